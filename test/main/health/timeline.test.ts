import { describe, expect, it } from 'vitest';

import { emptyState, markFlashed } from '../../../common/cluster';
import {
  emptyTimeline,
  firstPowerOn,
  readyAfterSeconds,
  recordFlashState,
  recordObservation,
  recordSnapshot,
} from '../../../main/health';
import { bootstrap, hostnamesOf, kubeNode, observation, snapshot, testCluster } from './fixtures';

const cluster = testCluster(1);
const [cp, worker] = hostnamesOf(cluster) as [string, string];
const card = { device: '/dev/sdx', size: 1, serial: null };

describe('the timeline', () => {
  it('takes flash times from the state file and restarts a node flashed again', () => {
    const flashed = markFlashed(emptyState(), cp, new Date('2026-01-01T10:00:00Z'), card);
    let timeline = recordFlashState(emptyTimeline(), flashed);
    expect(timeline.nodes[cp]?.flashedAt).toBe('2026-01-01T10:00:00.000Z');
    expect(recordFlashState(timeline, flashed)).toBe(timeline);

    timeline = recordObservation(timeline, observation(cp, '2026-01-01T10:10:00Z'));
    expect(timeline.nodes[cp]?.sshUpAt).toBe('2026-01-01T10:10:00Z');
    const rebuilt = markFlashed(flashed, cp, new Date('2026-02-01T10:00:00Z'), card);
    expect(recordFlashState(timeline, rebuilt).nodes[cp]).toEqual({
      phases: {},
      flashedAt: '2026-02-01T10:00:00.000Z',
    });
  });

  it('records first occurrences only and returns the same object when nothing is new', () => {
    const tcpOnly = observation(cp, '2026-01-01T10:01:00Z', { ssh: 'unreachable' });
    let timeline = recordObservation(emptyTimeline(), tcpOnly);
    expect(timeline.nodes[cp]).toEqual({ phases: {}, firstReachableAt: '2026-01-01T10:01:00Z' });
    timeline = recordObservation(timeline, observation(cp, '2026-01-01T10:02:00Z'));
    const again = observation(cp, '2026-01-01T10:03:00Z');
    expect(recordObservation(timeline, again)).toBe(timeline);
    expect(timeline.nodes[cp]).toMatchObject({
      firstReachableAt: '2026-01-01T10:01:00Z',
      sshUpAt: '2026-01-01T10:02:00Z',
    });
  });

  it('records each bootstrap phase once, with the node-reported since', () => {
    let timeline = emptyTimeline();
    for (const [phase, since] of [
      ['network', '1970-01-01T00:00:05Z'],
      ['time', '1970-01-01T00:00:09Z'],
      ['distribution', '2026-01-01T10:03:00Z'],
      ['distribution', '2026-01-01T10:09:00Z'],
    ] as const) {
      const seen = observation(cp, '2026-01-01T10:04:00Z', { bootstrap: bootstrap(phase, since) });
      timeline = recordObservation(timeline, seen);
    }
    expect(timeline.nodes[cp]?.phases).toEqual({
      network: '1970-01-01T00:00:05Z',
      time: '1970-01-01T00:00:09Z',
      distribution: '2026-01-01T10:03:00Z',
    });
  });

  it('believes the node clock for power-on only once its bootstrap is past the time phase', () => {
    const clock = { nodeTime: '2026-01-01T10:05:00Z', uptimeSeconds: 300 };
    const early = observation(cp, '2026-01-01T10:05:00Z', {
      ...clock,
      bootstrap: bootstrap('time', '2026-01-01T10:01:00Z'),
    });
    expect(recordObservation(emptyTimeline(), early).nodes[cp]?.poweredOnAt).toBeUndefined();
    const synced = { ...early, bootstrap: bootstrap('distribution', '2026-01-01T10:04:00Z') };
    expect(recordObservation(emptyTimeline(), synced).nodes[cp]?.poweredOnAt).toBe(
      '2026-01-01T10:00:00.000Z',
    );
  });

  it('records joined and Ready from the API, and the cluster Ready when every planned node is', () => {
    const planned = hostnamesOf(cluster);
    let timeline = recordSnapshot(
      emptyTimeline(),
      snapshot('2026-01-01T10:06:00Z', [
        kubeNode(cp, 'True', '2026-01-01T10:05:30Z'),
        kubeNode(worker, 'False', '2026-01-01T10:05:50Z'),
        kubeNode('not-planned', 'True', '2026-01-01T10:05:00Z'),
      ]),
      planned,
    );
    expect(timeline.nodes[cp]).toMatchObject({
      joinedAt: '2026-01-01T10:05:30Z',
      readyAt: '2026-01-01T10:05:30Z',
    });
    expect(timeline.nodes[worker]?.readyAt).toBeUndefined();
    expect(timeline.nodes['not-planned']).toBeUndefined();
    expect(timeline.readyAt).toBeUndefined();

    timeline = recordSnapshot(
      timeline,
      snapshot('2026-01-01T10:08:00Z', [
        kubeNode(cp, 'True', '2026-01-01T10:05:30Z'),
        kubeNode(worker, 'True', '2026-01-01T10:07:42Z'),
      ]),
      planned,
    );
    expect(timeline.readyAt).toBe('2026-01-01T10:07:42Z');
    // NotReady later does not move what happened first.
    const later = snapshot('2026-01-01T11:00:00Z', [kubeNode(cp, 'False', '2026-01-01T10:59:00Z')]);
    expect(recordSnapshot(timeline, later, planned)).toBe(timeline);
  });

  it('measures the headline from the earliest power-on to the cluster Ready', () => {
    const timeline = {
      nodes: {
        [cp]: { phases: {}, poweredOnAt: '2026-01-01T10:00:00.000Z' },
        [worker]: { phases: {}, poweredOnAt: '2026-01-01T09:59:58.000Z' },
      },
      readyAt: '2026-01-01T10:07:40Z',
    };
    expect(firstPowerOn(timeline)).toBe('2026-01-01T09:59:58.000Z');
    expect(readyAfterSeconds(timeline)).toBe(462);
    expect(readyAfterSeconds({ ...timeline, readyAt: undefined })).toBeNull();
    expect(readyAfterSeconds({ nodes: {}, readyAt: '2026-01-01T10:07:40Z' })).toBeNull();
  });
});
