import { describe, expect, it } from 'vitest';

import {
  abortableSleep,
  apiBackoff,
  backoffDelay,
  type BackoffPolicy,
  defaultBackoff,
} from '../../../main/health/backoff';

const policy: BackoffPolicy = { intervalMs: 5_000, maxDelayMs: 60_000, factor: 2, jitter: 0.2 };
const exact = () => 0.5;

describe('backoffDelay', () => {
  it('grows exponentially from the interval, capped, with bounded jitter', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((f) => backoffDelay(f, policy, exact))).toEqual([
      5_000, 5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000,
    ]);
    expect(backoffDelay(3, policy, () => 0)).toBe(16_000);
    expect(backoffDelay(3, policy, () => 0.999_999)).toBe(24_000);
    expect(backoffDelay(6, { ...policy, jitter: 0 }, () => 0)).toBe(60_000);
  });

  it('stays within the cap plus jitter for any number of failures', () => {
    for (const failures of [7, 64, 1000, Number.MAX_SAFE_INTEGER]) {
      expect(backoffDelay(failures, apiBackoff)).toBeLessThanOrEqual(30_000 * 1.2);
      expect(backoffDelay(failures, defaultBackoff, exact)).toBe(60_000);
    }
  });

  it('gives the Kubernetes watches a short first retry, doubling', () => {
    expect([1, 2, 3, 5].map((f) => backoffDelay(f, apiBackoff, exact))).toEqual([
      500, 1_000, 2_000, 8_000,
    ]);
  });
});

describe('abortableSleep', () => {
  it('ends early when the signal aborts, and at once when it already has', async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(3_600_000, controller.signal);
    controller.abort();
    await expect(sleeping).resolves.toBeUndefined();
    await expect(abortableSleep(3_600_000, controller.signal)).resolves.toBeUndefined();
  });

  it('waits out the pause when nothing aborts', async () => {
    let done = false;
    await abortableSleep(1, new AbortController().signal).then(() => (done = true));
    expect(done).toBe(true);
  });
});
