import { KubeflashError } from '../../../common/errors';

interface Waiter {
  end: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * How much of an image that the app is still decompressing is there to read: the writer starts
 * a card while the image is written (one pass from archive to card) and reads each range only
 * once the app has said that the image reaches past it. `size` is the image's final size, known
 * in advance (an xz index lists it). Extents only grow; the last one says the image is complete
 * and must then be exactly `size` bytes. A message that breaks these rules fails every read: the
 * app and the writer disagree, and the card is not finished.
 */
export class ImageExtent {
  #available = 0;
  #complete = false;
  #failure: KubeflashError | null = null;
  #waiters: Waiter[] = [];
  readonly #listeners = new Set<(available: number, complete: boolean) => void>();

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new KubeflashError(
        'invalid-request',
        `A growing image needs its final size in bytes, got ${size}`,
      );
    }
  }

  /** Bytes from the start of the image that are there to read. */
  get available(): number {
    return this.#available;
  }

  get complete(): boolean {
    return this.#complete;
  }

  /**
   * Calls `listener` now and after each change with how far the image is (until it is complete
   * or failed); returns the unsubscribe function. The app forwards extents to the writer so.
   */
  subscribe(listener: (available: number, complete: boolean) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#failure) listener(this.#available, this.#complete);
    return () => this.#listeners.delete(listener);
  }

  /** The image will not be completed (decompression failed or was cancelled): every read fails. */
  abandon(error: KubeflashError): void {
    if (this.#failure || this.#complete) return;
    this.#fail(error);
  }

  /** The app wrote the image up to `bytes` (and `complete`: the image is finished). */
  grow(bytes: number, complete: boolean): void {
    if (this.#failure || this.#complete) return;
    const problem =
      !Number.isSafeInteger(bytes) || bytes < this.#available
        ? `it went from ${this.#available} to ${bytes} bytes`
        : bytes > this.size
          ? `it reached ${bytes} bytes, past its size of ${this.size}`
          : complete && bytes !== this.size
            ? `it ended at ${bytes} bytes, not ${this.size}`
            : null;
    if (problem) {
      this.#fail(
        new KubeflashError(
          'internal',
          `The image being decompressed did not grow as announced (${problem}). The card is not finished: flash this node again.`,
        ),
      );
      return;
    }
    this.#available = bytes;
    this.#complete = complete;
    const stillWaiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#covers(waiter.end)) waiter.resolve();
      else stillWaiting.push(waiter);
    }
    this.#waiters = stillWaiting;
    for (const listener of this.#listeners) listener(bytes, complete);
    if (complete) this.#listeners.clear();
  }

  #fail(error: KubeflashError): void {
    this.#failure = error;
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters = [];
    this.#listeners.clear();
  }

  /** Resolves once a read of `length` bytes at `offset` can be served (up to the image's end). */
  waitToRead(offset: number, length: number, signal: AbortSignal): Promise<void> {
    return this.waitFor(Math.min(offset + length, this.size), signal);
  }

  /** Resolves once the image holds everything before `end`; rejects when `signal` aborts. */
  waitFor(end: number, signal: AbortSignal): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#covers(end)) return Promise.resolve();
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(abortReason(signal));
      };
      const waiter: Waiter = {
        end,
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (error: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #covers(end: number): boolean {
    return this.#complete || end <= this.#available;
  }
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('Cancelled');
}
