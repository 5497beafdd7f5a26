/**
 * At most `max` tasks at once; the rest wait in order. clear() drops the waiting ones (their
 * promises never settle: the caller is shutting down and ignores them).
 */
export class Limiter {
  #active = 0;
  #waiting: (() => void)[] = [];

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1)
      throw new Error(`A pool needs at least 1 slot, got ${max}`);
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so none can slip in between.
    if (this.#active >= this.max) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#active++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active--;
    }
  }

  clear(): void {
    this.#waiting = [];
  }
}
