import { describe, expect, it } from 'vitest';

import type {
  FlashFinishedEvent,
  FlashJobView,
  FlashProgressEvent,
} from '../../../../common/flash';
import {
  activeJobOn,
  busyHostnames,
  type FlashJob,
  type FlashJobAction,
  flashJobsReducer,
  lastFlashedHostname,
} from '../../../../renderer/src/features/flash/flash-jobs';

const path = '/clusters/lab.yaml';

function run(actions: FlashJobAction[], jobs: FlashJob[] = []): FlashJob[] {
  return actions.reduce(flashJobsReducer, jobs);
}

function requested(key: string, hostname: string, device: string): FlashJobAction {
  return { type: 'requested', key, hostname, device, clusterPath: path };
}

function progress(jobId: string, patch: Partial<FlashProgressEvent> = {}): FlashJobAction {
  return {
    type: 'progress',
    event: {
      jobId,
      hostname: 'rpi-kube-cp-01',
      device: '/dev/sdb',
      step: 'card',
      phase: 'writing',
      bytes: 100,
      total: 400,
      bytesPerSecond: 50,
      etaSeconds: 6,
      ...patch,
    },
  };
}

function finished(jobId: string, patch: Partial<FlashFinishedEvent> = {}): FlashJobAction {
  return {
    type: 'finished',
    event: {
      jobId,
      hostname: 'rpi-kube-cp-01',
      device: '/dev/sdb',
      ok: true,
      family: 'ubuntu',
      bytesWritten: 400,
      ejected: false,
      error: null,
      ...patch,
    },
  };
}

describe('flash jobs', () => {
  it('follows a job from the request through progress to success', () => {
    let jobs = run([requested('r1', 'rpi-kube-cp-01', '/dev/sdb')]);
    expect(jobs).toMatchObject([{ key: 'r1', jobId: null, status: 'starting', progress: null }]);

    jobs = run([{ type: 'started', key: 'r1', jobId: 'j1' }], jobs);
    expect(jobs[0]).toMatchObject({ jobId: 'j1', status: 'running' });

    jobs = run([progress('j1', { step: 'image', phase: 'decompressing' })], jobs);
    jobs = run([progress('j1', { bytes: 300 })], jobs);
    expect(jobs[0]!.progress).toEqual({
      step: 'card',
      phase: 'writing',
      bytes: 300,
      total: 400,
      bytesPerSecond: 50,
      etaSeconds: 6,
    });

    jobs = run([finished('j1')], jobs);
    expect(jobs).toMatchObject([
      { key: 'r1', status: 'succeeded', family: 'ubuntu', bytesWritten: 400, error: null },
    ]);
    expect(lastFlashedHostname(jobs)).toBe('rpi-kube-cp-01');
  });

  it('remembers whether the card was ejected (else the user removes it first)', () => {
    const started = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'started', key: 'r1', jobId: 'j1' },
    ]);
    expect(run([finished('j1', { ejected: true })], started)[0]!.ejected).toBe(true);
    expect(run([finished('j1', { ejected: false })], started)[0]!.ejected).toBe(false);
    expect(run([finished('j1', { ejected: null })], started)[0]!.ejected).toBe(false);
  });

  it('keeps the Node side error of a failed job, and a refused start', () => {
    const failed = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'started', key: 'r1', jobId: 'j1' },
      finished('j1', {
        ok: false,
        family: null,
        bytesWritten: null,
        error: { code: 'unavailable', message: 'The card was removed while writing' },
      }),
    ]);
    expect(failed[0]).toMatchObject({
      status: 'failed',
      error: 'The card was removed while writing',
    });
    expect(lastFlashedHostname(failed)).toBeNull();

    const refused = run([
      requested('r2', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'startFailed', key: 'r2', message: 'Unlock the secrets first' },
    ]);
    expect(refused[0]).toMatchObject({ status: 'failed', error: 'Unlock the secrets first' });
  });

  it('adopts events that outran flashNode’s answer', () => {
    const jobs = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      progress('j1', { phase: 'checking', bytes: 0 }),
      { type: 'started', key: 'r1', jobId: 'j1' },
    ]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      key: 'r1',
      jobId: 'j1',
      clusterPath: path,
      status: 'running',
      progress: { phase: 'checking' },
    });

    const done = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      finished('j1'),
      { type: 'started', key: 'r1', jobId: 'j1' },
    ]);
    expect(done).toHaveLength(1);
    expect(done[0]).toMatchObject({ key: 'r1', status: 'succeeded' });
  });

  it('shows jobs started by another window, keyed by their id', () => {
    const jobs = run([
      progress('elsewhere', { device: '/dev/sdc', hostname: 'rpi-kube-worker-01' }),
    ]);
    expect(jobs).toMatchObject([
      { key: 'elsewhere', jobId: 'elsewhere', clusterPath: null, status: 'running' },
    ]);
  });

  it('runs several cards at once, each bound to its node and drive', () => {
    const jobs = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'started', key: 'r1', jobId: 'j1' },
      requested('r2', 'rpi-kube-cp-02', '/dev/sdc'),
      { type: 'started', key: 'r2', jobId: 'j2' },
      progress('j2', { hostname: 'rpi-kube-cp-02', device: '/dev/sdc', bytes: 200 }),
      progress('j1', { bytes: 50 }),
      finished('j1'),
    ]);
    expect(jobs.map((j) => [j.hostname, j.status, j.progress?.bytes])).toEqual([
      ['rpi-kube-cp-01', 'succeeded', 50],
      ['rpi-kube-cp-02', 'running', 200],
    ]);
    expect(busyHostnames(jobs)).toEqual(new Set(['rpi-kube-cp-02']));
    expect(activeJobOn(jobs, '/dev/sdc')?.key).toBe('r2');
    expect(activeJobOn(jobs, '/dev/sdb')).toBeUndefined();
  });

  it('stays "cancelling" while progress arrives, and ignores progress after the end', () => {
    let jobs = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'started', key: 'r1', jobId: 'j1' },
      { type: 'cancelling', key: 'r1' },
      progress('j1', { bytes: 120 }),
    ]);
    expect(jobs[0]).toMatchObject({ status: 'cancelling', progress: { bytes: 120 } });

    jobs = run(
      [
        finished('j1', { ok: false, error: { code: 'unavailable', message: 'cancelled' } }),
        progress('j1', { bytes: 399 }),
      ],
      jobs,
    );
    expect(jobs[0]).toMatchObject({ status: 'failed', progress: { bytes: 120 } });
  });

  it('dismisses finished jobs only', () => {
    const jobs = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      requested('r2', 'rpi-kube-cp-02', '/dev/sdc'),
      { type: 'started', key: 'r2', jobId: 'j2' },
      finished('j2'),
      { type: 'dismissed', key: 'r1' },
      { type: 'dismissed', key: 'r2' },
    ]);
    expect(jobs.map((j) => j.key)).toEqual(['r1']);
  });

  it('does not change the list it was given', () => {
    const before = run([requested('r1', 'rpi-kube-cp-01', '/dev/sdb')]);
    const copy = structuredClone(before);
    run([{ type: 'started', key: 'r1', jobId: 'j1' }, progress('j1'), finished('j1')], before);
    expect(before).toEqual(copy);
  });
});

describe('flash jobs listed by the Node side (a reload, another window)', () => {
  const view = (patch: Partial<FlashJobView> = {}): FlashJobView => ({
    jobId: 'j1',
    hostname: 'rpi-kube-cp-01',
    device: '/dev/sdb',
    clusterPath: path,
    startedAt: '2026-11-22T05:00:00.000Z',
    progress: null,
    finished: null,
    ...patch,
  });
  const writing = {
    step: 'card',
    phase: 'writing',
    bytes: 200,
    total: 400,
    bytesPerSecond: 50,
    etaSeconds: 4,
  } as const;

  it('shows a running job with its progress and its cluster file', () => {
    const [job] = run([{ type: 'listed', jobs: [view({ progress: writing })] }]);
    expect(job).toMatchObject({
      key: 'j1',
      jobId: 'j1',
      status: 'running',
      clusterPath: path,
      progress: writing,
    });
  });

  it('shows a job listed before its first progress as running', () => {
    const [job] = run([{ type: 'listed', jobs: [view()] }]);
    expect(job).toMatchObject({ status: 'running', progress: null, clusterPath: path });
  });

  it('shows a finished job with its result', () => {
    const jobs = run([
      {
        type: 'listed',
        jobs: [
          view({
            progress: writing,
            finished: {
              ok: false,
              family: null,
              bytesWritten: null,
              ejected: null,
              error: { code: 'unavailable', message: 'The card was pulled' },
            },
          }),
        ],
      },
    ]);
    expect(jobs[0]).toMatchObject({ status: 'failed', error: 'The card was pulled' });
  });

  it('never makes a job this window saw finish running again, nor lists it twice', () => {
    const seen = run([
      requested('r1', 'rpi-kube-cp-01', '/dev/sdb'),
      { type: 'started', key: 'r1', jobId: 'j1' },
      finished('j1'),
    ]);
    const after = run([{ type: 'listed', jobs: [view({ progress: writing })] }], seen);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ key: 'r1', status: 'succeeded' });
  });

  it('adds jobs it did not know beside the ones it did', () => {
    const mine = run([
      requested('r1', 'a', '/dev/sdc'),
      { type: 'started', key: 'r1', jobId: 'j9' },
    ]);
    const after = run([{ type: 'listed', jobs: [view()] }], mine);
    expect(after.map((job) => job.jobId)).toEqual(['j9', 'j1']);
  });
});
