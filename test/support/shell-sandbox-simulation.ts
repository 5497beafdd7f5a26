import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { type DistributionName, distributionNames } from '../../common/cluster';
import {
  requireSandboxShells,
  type SandboxOptions,
  sandboxPool,
  simulateOrders,
  type SimulationPlan,
  simulationPlan,
} from './shell-sandbox-cluster';

/** Seeded power-on orders per distribution: each seed is a shuffle, a shell and OS flavours. */
export const simulationSeeds = Array.from({ length: 10 }, (_, i) => 6001 + i);

/**
 * The cluster simulation of one distribution (one test file each, so that vitest spreads them
 * over its workers): 3 control planes and 4 workers powered on in every seeded random order
 * (seeds printed; replay one with simulateOrder(plan, seed)), the stubs playing the cluster.
 * Every order must end with every node done and Ready, one etcd member per control plane,
 * exactly one init (on the designated node) and no secret on any command line. In every third
 * order the designated node is then re-flashed into the running cluster and must rebuild and
 * rejoin.
 */
export function clusterSimulationSuite(distribution: DistributionName): void {
  describe(`${distribution} cluster simulation`, () => {
    it('forms in every power-on order; the re-flashed designated node rejoins', async (ctx) => {
      requireSandboxShells(ctx);
      const plan = await simulationPlan(distribution);
      const outcomes = await simulateOrders(plan, simulationSeeds, { rebuildInit: true });
      for (const outcome of outcomes) {
        console.log(
          `${distribution} seed ${outcome.seed} (${outcome.shell}): ${outcome.order.join(' → ')}` +
            (outcome.rebuilt ? ', then the designated node re-flashed' : ''),
        );
      }
      const failures = outcomes.filter((o) => o.violations.length > 0);
      expect(failures.map((o) => `seed ${o.seed}: ${o.violations.join('; ')}`)).toEqual([]);
      expect(outcomes).toHaveLength(simulationSeeds.length);
      expect(outcomes.filter((o) => o.rebuilt).map((o) => o.shell)).toEqual(
        expect.arrayContaining(['dash', 'busybox']),
      );
    }, 300_000);
  });
}

/**
 * For a test file: the simulation plan of every distribution (made once, before its tests) and
 * sandboxes of chosen nodes, removed after each test.
 */
export function useSimulationPlans(planOptions?: Parameters<typeof simulationPlan>[1]) {
  const plans = new Map<DistributionName, SimulationPlan>();
  const pool = sandboxPool();
  beforeAll(async () => {
    for (const name of distributionNames) plans.set(name, await simulationPlan(name, planOptions));
  }, 120_000);
  afterEach(() => pool.cleanup());
  return {
    plans,
    sandboxFor(distribution: DistributionName, nodes: string[], options: SandboxOptions) {
      const plan = plans.get(distribution)!;
      return { sandbox: pool.make(plan, nodes, options), plan };
    },
  };
}
