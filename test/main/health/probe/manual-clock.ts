import type { Clock } from '../../../../main/health/probe';

/** A clock that moves only when the test says so; timers fire in time order. */
export class ManualClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** When the earliest timer is due; null when none is set. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const { at } of this.#timers.values()) if (next === null || at < next) next = at;
    return next;
  }

  /** Moves to `time`, firing every timer due by then in order (each at its own due time). */
  advanceTo(time: number): void {
    for (;;) {
      let first: [number, { at: number; callback: () => void }] | null = null;
      for (const entry of this.#timers) if (!first || entry[1].at < first[1].at) first = entry;
      if (!first || first[1].at > time) break;
      this.#timers.delete(first[0]);
      this.#now = first[1].at;
      first[1].callback();
    }
    this.#now = time;
  }
}

/** Waits (bounded) until `done()` holds, letting I/O and promises run between checks. */
export async function settle(done: () => boolean, what: string, maxTurns = 5_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (done()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`Gave up waiting for ${what} after ${maxTurns} checks`);
}
