import { describe, expect, it } from 'vitest';

import { distributionNames } from '../../../common/cluster';
import {
  certificateCallsBefore,
  flashSeconds,
  planSandbox,
  requireSandboxShells,
  roleHostnames,
  simulateOrder,
  type SimulationPlan,
} from '../../support/shell-sandbox-cluster';
import { type GuardedRegion, removeRegion } from '../../support/shell-sandbox-mutations';
import { useSimulationPlans } from '../../support/shell-sandbox-simulation';

// The suite must fail when the designated-init check, the join retry or the time gate is taken
// out of the scripts: each region is removed from the rendered scripts and the same property
// check that passes on the real scripts must report a violation. Each case also runs unmodified
// as its control.

// A smaller cluster than the full simulation: a worker, two joining control planes, the
// designated one.
const { plans } = useSimulationPlans({ controlPlanes: 3, workers: 1 });

/** Workers first, the designated node last: the order that tests both guards. */
function initLastOrder(plan: SimulationPlan): string[] {
  const nodes = plan.cluster.spec.nodes;
  return [
    ...nodes.filter((n) => n.role === 'worker'),
    ...nodes.filter((n) => n.role === 'control-plane' && !n.init),
    ...nodes.filter((n) => n.init),
  ].map((n) => n.hostname);
}

async function clusterCheck(plan: SimulationPlan, region?: GuardedRegion): Promise<string[]> {
  const outcome = await simulateOrder(plan, 7, {
    order: initLastOrder(plan),
    transform: region ? removeRegion(region) : undefined,
  });
  return outcome.violations;
}

function timeGateCheck(plan: SimulationPlan, region?: GuardedRegion): string[] {
  const { init } = roleHostnames(plan);
  const sandbox = planSandbox(plan, {
    shell: 'busybox',
    nodes: [init],
    clock: flashSeconds(plan) - 5 * 60,
    ntpSynced: false,
    transform: region ? removeRegion(region) : undefined,
  });
  try {
    sandbox.runNode(init);
    return certificateCallsBefore(sandbox, flashSeconds(plan)).map(
      (c) => `${c.command} ${c.args} at ${c.clock}, before the flash time`,
    );
  } finally {
    sandbox.cleanup();
  }
}

describe('guarded regions', () => {
  for (const distribution of distributionNames) {
    it(`${distribution}: the cluster check passes as written and fails without the designated-init check or the join retry`, async (ctx) => {
      requireSandboxShells(ctx);
      const plan = plans.get(distribution)!;
      expect(await clusterCheck(plan)).toEqual([]);
      const withoutInitCheck = await clusterCheck(plan, 'designated-init');
      // Another node initialises, or tries to and fails (kubeadm: no init.yaml on its card).
      expect(withoutInitCheck.join('\n')).toMatch(
        /init on a non-designated node|ended in phase init/,
      );
      const withoutJoinRetry = await clusterCheck(plan, 'join-retry');
      expect(withoutJoinRetry.join('\n')).toMatch(/ended in phase join: .*never answered/);
    }, 120_000);

    it(`${distribution}: the time-gate check passes as written and fails without the time gate`, (ctx) => {
      requireSandboxShells(ctx);
      const plan = plans.get(distribution)!;
      expect(timeGateCheck(plan)).toEqual([]);
      expect(timeGateCheck(plan, 'time-gate').length).toBeGreaterThan(0);
    });
  }
});
