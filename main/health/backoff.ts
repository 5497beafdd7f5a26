/*
 * The one backoff of the health watch: the SSH probes (main/health/probe), the Kubernetes watches
 * (main/health/kube) and the log follower (main/health/ssh) all retry with these.
 */

export interface BackoffPolicy {
  /** The first pause (and the pause between probes of a healthy node). */
  intervalMs: number;
  /** The longest pause, however many failures came in a row. */
  maxDelayMs: number;
  /** Growth per consecutive failure. */
  factor: number;
  /** ± fraction of the delay, so many retries do not come back in lockstep. */
  jitter: number;
}

/** SSH probes of a node. */
export const defaultBackoff: BackoffPolicy = {
  intervalMs: 5_000,
  maxDelayMs: 60_000,
  factor: 2,
  jitter: 0.2,
};

/** Kubernetes list/watch retries after the API or the VIP went away. */
export const apiBackoff: BackoffPolicy = {
  intervalMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.2,
};

/**
 * The pause after `failures` consecutive failures (0 when the last try succeeded): the interval
 * for 0 and 1 failures, then interval·factor^(failures-1), capped; then jittered with `random()`
 * in [0, 1) — 0.5 gives the exact delay.
 */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(0, failures - 1), 64);
  const base = Math.min(policy.maxDelayMs, policy.intervalMs * policy.factor ** exponent);
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
