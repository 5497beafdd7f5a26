import { createServer } from 'node:net';

import { describe, expect, it } from 'vitest';

import type { NodeObservation } from '../../../../common/health';
import type { BackoffPolicy } from '../../../../main/health/backoff';
import { type ProbeFunction, ProbeScheduler } from '../../../../main/health/probe';
import { type NodeTarget, probeNode } from '../../../../main/health/ssh';
import { ManualClock, settle } from './manual-clock';

const policy: BackoffPolicy = { intervalMs: 5_000, maxDelayMs: 60_000, factor: 2, jitter: 0.2 };
const credentials = { username: 'root', privateKey: 'never used: nothing answers' };
/** A valid pinned key line (never presented: the tests' targets do not answer). */
const PINNED =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDLZS3jdZSvlqlb9Js7yd8uJpbOb1lQZ3JTnD+j2jrtD root@x';

/** A loopback port with nothing listening: connects are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function target(index: number, port: number): NodeTarget {
  return {
    hostname: `node-${String(index).padStart(3, '0')}`,
    address: '127.0.0.1',
    role: index % 10 === 0 ? 'control-plane' : 'worker',
    sshPort: port,
    apiPort: index % 10 === 0 ? port : null,
    hostPublicKeys: [PINNED],
  };
}

function observation(hostname: string, ssh: NodeObservation['ssh']): NodeObservation {
  return {
    hostname,
    address: '127.0.0.1',
    observedAt: new Date(0).toISOString(),
    tcp: { ssh: ssh === 'up', api: null },
    ssh,
    presentedHostKey: null,
    bootstrap: null,
    nodeTime: null,
    uptimeSeconds: null,
    error: ssh === 'up' ? null : 'down',
  };
}

/** A scheduler on the manual clock with exact delays that reports nowhere. */
function quietScheduler(clock: ManualClock, probe: ProbeFunction): ProbeScheduler {
  return new ProbeScheduler({
    credentials,
    onObservation: () => {},
    clock,
    random: () => 0.5,
    backoff: policy,
    probe,
  });
}

describe('ProbeScheduler', () => {
  it('probes 100 unreachable nodes within the pool and backs off per node', async () => {
    const port = await closedPort();
    const targets = Array.from({ length: 100 }, (_, i) => target(i, port));
    const clock = new ManualClock();
    const attempts = new Map<string, number[]>();
    let active = 0;
    let maxActive = 0;
    // The real probe (TCP connects to loopback), counted.
    const probe: ProbeFunction = async (t, c, options) => {
      attempts.set(t.hostname, [...(attempts.get(t.hostname) ?? []), clock.now()]);
      active++;
      maxActive = Math.max(maxActive, active);
      try {
        return await probeNode(t, c, options);
      } finally {
        active--;
      }
    };
    const observed: NodeObservation[] = [];
    const scheduler = new ProbeScheduler({
      credentials,
      onObservation: (o) => observed.push(o),
      clock,
      random: () => 0.5,
      backoff: policy,
      probe,
      tcpTimeoutMs: 5_000,
    });
    scheduler.setTargets(targets);
    expect(scheduler.activeProbes).toBe(8);
    expect(scheduler.busyNodes).toBe(100); // queued, not spinning

    const until = 200_000;
    for (let round = 0; round < 50; round++) {
      await settle(() => scheduler.busyNodes === 0, 'the probes of this round');
      // Between rounds every node waits on exactly one timer: no loops, no leaks.
      expect(scheduler.scheduledNodes).toBe(100);
      expect(clock.pendingTimers).toBe(100);
      const next = clock.nextDueAt()!;
      if (next > until) break;
      clock.advanceTo(next);
    }

    expect(maxActive).toBe(8);
    const schedule = [0, 5_000, 15_000, 35_000, 75_000, 135_000, 195_000];
    for (const t of targets) expect(attempts.get(t.hostname)).toEqual(schedule);
    expect(observed).toHaveLength(100 * schedule.length);
    expect(new Set(observed.map((o) => o.ssh))).toEqual(new Set(['unreachable']));
    const controlPlane = observed.find((o) => o.hostname === 'node-000')!;
    expect(controlPlane.tcp).toEqual({ ssh: false, api: false });
    expect(scheduler.failuresOf('node-042')).toBe(schedule.length);

    scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('probes a healthy node every interval and resets the backoff when it comes up', async () => {
    const clock = new ManualClock();
    const answers: NodeObservation['ssh'][] = [
      'unreachable',
      'unreachable',
      'unreachable',
      'up',
      'up',
    ];
    const times: number[] = [];
    const sessions = new Set<unknown>();
    const scheduler = quietScheduler(clock, async (t, _c, options) => {
      times.push(clock.now());
      sessions.add(options.sessions);
      return observation(t.hostname, answers.shift() ?? 'up');
    });
    scheduler.setTargets([target(1, 22)]);
    for (let i = 0; i < 5; i++) {
      await settle(() => scheduler.busyNodes === 0, 'one probe');
      clock.advanceTo(clock.nextDueAt()!);
    }
    // failures 1, 2, 3 → 5 s, 10 s, 20 s; then up → every 5 s.
    expect(times).toEqual([0, 5_000, 15_000, 35_000, 40_000, 45_000]);
    expect(scheduler.failuresOf('node-001')).toBe(0);
    expect(sessions.size).toBe(1); // one keeper: one kept connection per node across probes
    scheduler.stop();
  });

  it('stop() ends everything: no timers, no queued probes, no late reports', async () => {
    const clock = new ManualClock();
    const pending: (() => void)[] = [];
    let started = 0;
    const reported: string[] = [];
    const scheduler = new ProbeScheduler({
      credentials,
      onObservation: (o) => reported.push(o.hostname),
      clock,
      maxConcurrent: 2,
      probe: (t) => {
        started++;
        return new Promise((resolve) => pending.push(() => resolve(observation(t.hostname, 'up'))));
      },
    });
    scheduler.setTargets([1, 2, 3, 4, 5].map((i) => target(i, 22)));
    expect(started).toBe(2);
    // Finish one: it reports and schedules its next probe; a queued one starts.
    pending.shift()!();
    await settle(() => started === 3, 'the next queued probe');
    expect(reported).toEqual(['node-001']);
    expect(clock.pendingTimers).toBe(1);

    scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
    for (const finish of pending.splice(0)) finish();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(reported).toEqual(['node-001']); // the probes still running when stopped report nothing
    expect(started).toBe(3); // the queued ones never started
    expect(clock.pendingTimers).toBe(0);
    expect(() => scheduler.setTargets([])).toThrow(/was stopped/);
  });

  it('keeps watching when onObservation or the probe throws', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const reported: NodeObservation[] = [];
    let calls = 0;
    const scheduler = new ProbeScheduler({
      credentials,
      onObservation: (o) => {
        reported.push(o);
        if (reported.length === 1) throw new Error('callback bug');
      },
      onCallbackError: (e) => errors.push(e),
      clock,
      random: () => 0.5,
      backoff: policy,
      probe: async (t) => {
        calls++;
        if (calls === 2) throw new Error('probe bug');
        return observation(t.hostname, 'up');
      },
    });
    scheduler.setTargets([target(1, 22)]);
    for (let i = 0; i < 2; i++) {
      await settle(() => scheduler.busyNodes === 0, 'a probe');
      clock.advanceTo(clock.nextDueAt()!);
    }
    await settle(() => scheduler.busyNodes === 0, 'the third probe');
    expect(calls).toBe(3);
    expect(errors).toEqual([new Error('callback bug')]);
    expect(reported.map((o) => [o.ssh, o.error])).toEqual([
      ['up', null],
      ['unknown', 'probe bug'],
      ['up', null],
    ]);
    expect(clock.pendingTimers).toBe(1);
    scheduler.stop();
  });

  it('follows the node list: removed nodes stop, new nodes start', async () => {
    const clock = new ManualClock();
    const probed: string[] = [];
    const scheduler = quietScheduler(clock, async (t) => {
      probed.push(t.hostname);
      return observation(t.hostname, 'up');
    });
    scheduler.setTargets([target(1, 22), target(2, 22)]);
    await settle(() => scheduler.busyNodes === 0, 'first probes');
    scheduler.setTargets([target(2, 22), target(3, 22)]);
    await settle(() => scheduler.busyNodes === 0, 'the new node');
    expect(clock.pendingTimers).toBe(2);
    clock.advanceTo(5_000);
    await settle(() => scheduler.busyNodes === 0, 'second round');
    expect(probed).toEqual(['node-001', 'node-002', 'node-003', 'node-002', 'node-003']);
    scheduler.stop();
  });
});
