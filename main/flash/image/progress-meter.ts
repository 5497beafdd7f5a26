/**
 * Speed and ETA for long work (hashing, decompressing, downloading, writing): feed it the
 * number of units done so far; it smooths the rate (exponential moving average with a time
 * constant, so a stall or a burst does not swing the ETA) and says when a report is due
 * (at most one per `minIntervalMs`). Reused by the writer for its own progress.
 */

export interface MeterOptions {
  /** Units (bytes) to do in all; null when unknown (then there is no ETA). */
  total: number | null;
  /** Milliseconds clock; injectable for tests. */
  now?: () => number;
  /** Time constant of the smoothing, in ms. */
  smoothingMs?: number;
  /** Minimum time between two reports, in ms. */
  minIntervalMs?: number;
}

export interface MeterSample {
  done: number;
  total: number | null;
  /** Units per second, smoothed; 0 until something was measured. */
  speed: number;
  /** Seconds left at the current speed; null when unknown (no total or no speed yet). */
  etaSeconds: number | null;
  elapsedMs: number;
}

export class ProgressMeter {
  private readonly now: () => number;
  private readonly smoothingMs: number;
  private readonly minIntervalMs: number;
  private readonly startedAt: number;
  private lastAt: number;
  private lastDone = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private done = 0;
  private speed = 0;
  total: number | null;

  constructor({
    total,
    now = () => performance.now(),
    smoothingMs = 3000,
    minIntervalMs = 100,
  }: MeterOptions) {
    this.total = total;
    this.now = now;
    this.smoothingMs = smoothingMs;
    this.minIntervalMs = minIntervalMs;
    this.startedAt = now();
    this.lastAt = this.startedAt;
  }

  /** Record progress; returns a sample when a report is due, otherwise null. */
  update(done: number): MeterSample | null {
    this.done = Math.max(this.done, done);
    const at = this.now();
    const dt = at - this.lastAt;
    if (dt >= this.minIntervalMs) {
      const rate = ((this.done - this.lastDone) * 1000) / dt;
      // The first measurement is taken as it is; later ones are blended in by elapsed time.
      const weight =
        this.lastDone === 0 && this.speed === 0 ? 1 : 1 - Math.exp(-dt / this.smoothingMs);
      this.speed += weight * (rate - this.speed);
      this.lastAt = at;
      this.lastDone = this.done;
    }
    if (at - this.lastReportAt < this.minIntervalMs) return null;
    this.lastReportAt = at;
    return this.sample();
  }

  /** The current state, whether or not a report is due (for a phase's first and last report). */
  sample(): MeterSample {
    const elapsedMs = this.now() - this.startedAt;
    let speed = this.speed;
    if (speed === 0 && this.done > 0 && elapsedMs > 0) speed = (this.done * 1000) / elapsedMs;
    const remaining = this.total === null ? null : Math.max(0, this.total - this.done);
    const etaSeconds =
      remaining === null ? null : remaining === 0 ? 0 : speed > 0 ? remaining / speed : null;
    return { done: this.done, total: this.total, speed, etaSeconds, elapsedMs };
  }
}
