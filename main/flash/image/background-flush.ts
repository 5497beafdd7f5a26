import type { FileHandle } from 'node:fs/promises';

/** Bytes a file grows by between two background flushes. */
const FLUSH_EVERY = 64 * 1024 * 1024;

/**
 * Sends a growing file to disk while it is written. A new cache image is flushed before the
 * cache lists it (flushToDisk); left to the end, its hundreds of MiB reach the disk while the
 * first card is written and flushed, and the two compete for the disk. Flushed as it grows,
 * while decompression keeps the CPU busy and the disk idle, only the tail is left at the end.
 * One fdatasync at a time; a failed one (a disk I/O error) is thrown by the next call.
 */
export class BackgroundFlush {
  #flushedUpTo = 0;
  #inFlight: Promise<void> | null = null;
  #failure: Error | null = null;

  constructor(
    private readonly handle: FileHandle,
    private readonly every = FLUSH_EVERY,
  ) {}

  /** The file is now `size` bytes long: flush it if it grew enough since the last flush. */
  grewTo(size: number): void {
    if (this.#failure) throw this.#failure;
    if (this.#inFlight || size - this.#flushedUpTo < this.every) return;
    this.#inFlight = this.handle.datasync().then(
      () => {
        this.#flushedUpTo = size;
        this.#inFlight = null;
      },
      (error: Error) => {
        this.#failure ??= error;
        this.#inFlight = null;
      },
    );
  }

  /** Waits for the flush under way (call before the file is closed); throws one that failed. */
  async settle(): Promise<void> {
    await this.#inFlight;
    if (this.#failure) throw this.#failure;
  }
}
