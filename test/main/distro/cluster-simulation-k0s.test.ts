import { clusterSimulationSuite } from '../../support/shell-sandbox-simulation';

// What it proves: test/support/shell-sandbox-simulation.ts.
clusterSimulationSuite('k0s');
