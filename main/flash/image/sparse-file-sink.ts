import { type FileHandle, open } from 'node:fs/promises';
import { Writable } from 'node:stream';

const KiB = 1024;
/** All-zero pieces of this size become holes (a multiple of every usual filesystem block). */
export const HOLE_PIECE = 64 * KiB;
/** Bytes gathered before they are written: a multiple of HOLE_PIECE. */
const BATCH = 4 * 1024 * KiB;
const zeros = Buffer.alloc(HOLE_PIECE);

/**
 * Writes a stream into a new file (created exclusively, like `flags: 'wx'`), leaving every
 * all-zero, piece-aligned HOLE_PIECE as a hole: a raw disk image is mostly zeros (free space,
 * an ext4 journal), which then costs neither disk writes nor space, and a hole reads back as
 * the zeros it stands for. The file gets its full length at the end (ftruncate), so trailing
 * zeros are holes too. `dataBytes` counts what was really written.
 */
export class SparseFileSink extends Writable {
  dataBytes = 0;
  private handle: FileHandle | null = null;
  private readonly batch = Buffer.allocUnsafe(BATCH);
  private filled = 0;
  /** File offset of batch[0]. */
  private position = 0;

  constructor(private readonly path: string) {
    super({ highWaterMark: BATCH });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'wx').then(
      (handle) => {
        this.handle = handle;
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (e?: Error) => void): void {
    this.take(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.flushBatch()
      .then(() => this.handle!.truncate(this.position))
      .then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.handle;
    this.handle = null;
    if (!handle) return callback(error);
    handle.close().then(
      () => callback(error),
      (closeError: Error) => callback(error ?? closeError),
    );
  }

  private async take(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length) {
      const copied = chunk.copy(this.batch, this.filled, at);
      this.filled += copied;
      at += copied;
      if (this.filled === BATCH) await this.flushBatch();
    }
  }

  /** Writes the batch's non-zero pieces, each run of them in one call. */
  private async flushBatch(): Promise<void> {
    let runStart = -1;
    for (let piece = 0; piece < this.filled; piece += HOLE_PIECE) {
      const end = Math.min(piece + HOLE_PIECE, this.filled);
      // A short last piece is written unless it is zero too (the final length covers it).
      const zero = this.batch.subarray(piece, end).equals(zeros.subarray(0, end - piece));
      if (!zero && runStart < 0) runStart = piece;
      if (zero && runStart >= 0) {
        await this.writeRun(runStart, piece);
        runStart = -1;
      }
    }
    if (runStart >= 0) await this.writeRun(runStart, this.filled);
    this.position += this.filled;
    this.filled = 0;
  }

  private async writeRun(start: number, end: number): Promise<void> {
    let done = start;
    while (done < end) {
      const { bytesWritten } = await this.handle!.write(
        this.batch,
        done,
        end - done,
        this.position + done,
      );
      done += bytesWritten;
    }
    this.dataBytes += end - start;
  }
}
