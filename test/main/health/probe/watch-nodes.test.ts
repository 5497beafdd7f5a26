import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { NodeObservation } from '../../../../common/health';
import { watchNodes } from '../../../../main/health/probe';
import { netnsPrerequisites } from '../../../support/netns';
import { requirePrerequisites } from '../../../support/prerequisites';
import { type SshNodeHost, sshNodeHostPrerequisites } from '../../../support/ssh-node-host';
import { type SimulatedCluster, simulatedCluster, startNode } from '../ssh/simulated-cluster';
import { ManualClock, settle } from './manual-clock';

const ready =
  netnsPrerequisites().every(([ok]) => ok) && sshNodeHostPrerequisites().every(([ok]) => ok);

describe('watchNodes over OpenSSH servers in network namespaces', () => {
  let sim: SimulatedCluster;
  const nodes = new Map<string, SshNodeHost>();

  beforeAll(async () => {
    if (!ready) return;
    sim = await simulatedCluster(3);
    // Three of four cards are in; the last worker has not booted.
    for (const node of sim.cluster.spec.nodes.slice(0, 3)) {
      nodes.set(node.hostname, await startNode(sim, node.hostname));
    }
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes.values()) await node.stop();
    await sim?.network.cleanup();
  });

  it('reports every node, phases as they advance, over one connection per node', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const clock = new ManualClock(Date.parse('2026-11-22T10:00:00Z'));
    const seen: NodeObservation[] = [];
    const hostnames = sim.cluster.spec.nodes.map((n) => n.hostname);
    const [cp, w1] = hostnames;
    nodes.get(cp!)!.setStatus({
      phase: 'distribution',
      step: 'k3s server',
      since: '2026-11-22T10:00:00Z',
      updated: '2026-11-22T10:00:00Z',
      lastError: null,
    });
    const stop = watchNodes(sim.cluster, sim.secrets, hostnames, (o) => seen.push(o), {
      clock,
      random: () => 0.5,
      tcpTimeoutMs: 2_000,
    });
    try {
      await settle(() => seen.length >= 4, 'the first round');
      const first = new Map(seen.map((o) => [o.hostname, o]));
      expect(first.get(cp!)).toMatchObject({ ssh: 'up', bootstrap: { phase: 'distribution' } });
      expect(first.get(w1!)).toMatchObject({ ssh: 'up', bootstrap: null });
      expect(first.get(hostnames[3]!)).toMatchObject({ ssh: 'unreachable' });
      expect(first.get(cp!)!.observedAt).toBe('2026-11-22T10:00:00.000Z');

      nodes.get(w1!)!.setStatus({
        phase: 'join',
        step: 'waiting for the API',
        since: '2026-11-22T10:00:04Z',
        updated: '2026-11-22T10:00:04Z',
        lastError: null,
      });
      for (let round = 0; round < 3; round++) {
        const count = seen.length;
        clock.advanceTo(clock.nextDueAt()!);
        await settle(() => seen.length > count && clock.pendingTimers === 4, 'a round');
      }
      const latest = seen.filter((o) => o.hostname === w1).at(-1)!;
      expect(latest.bootstrap?.phase).toBe('join');
      for (const hostname of hostnames.slice(0, 3)) {
        const logins =
          nodes
            .get(hostname)!
            .sshdLog()
            .match(/Accepted publickey/g) ?? [];
        expect(logins).toHaveLength(1);
      }
    } finally {
      stop();
    }
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses hostnames that are not in the plan', (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    expect(() => watchNodes(sim.cluster, sim.secrets, ['nope'], () => {})).toThrow(
      /Not in the plan: nope/,
    );
  });
});
