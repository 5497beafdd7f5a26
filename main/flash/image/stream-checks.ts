import type { FileHandle } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

import { classifyHead, type CompressedFormat, HEAD_BYTES, notAnImage } from './detect-format';
import { ImageError } from './image-error';
import type { PhaseProgress } from './image-progress';

/** Null when `head` (the first HEAD_BYTES of an archive's output) starts a disk image. */
function headProblem(head: Buffer, sourcePath: string, format: CompressedFormat): Error | null {
  const kind = classifyHead(head.subarray(0, HEAD_BYTES));
  return kind.kind === 'raw' ? null : notAnImage(sourcePath, kind, format);
}

/**
 * Checks that what comes out of an archive is a disk image (partition table or FAT at its
 * start), before more than its first bytes are written: an archive of something else (a tar of
 * boot files, an ISO installer, a text file) is refused with its own message.
 */
export class DiskHeadCheck extends Transform {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private checked = false;

  constructor(
    private readonly sourcePath: string,
    private readonly format: CompressedFormat,
  ) {
    super({ highWaterMark: 4 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.checked) return callback(null, chunk);
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes < HEAD_BYTES) return callback();
    this.release(callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.checked) return callback();
    this.release(callback);
  }

  private release(callback: TransformCallback): void {
    const data = Buffer.concat(this.held);
    this.held = [];
    this.checked = true;
    const problem = headProblem(data, this.sourcePath, this.format);
    if (problem) return callback(problem);
    callback(null, data);
  }
}

/** Compressed bytes between two looks at the output file (≈ 20 MiB of raw image for xz). */
const LOOK_EVERY = 4 << 20;

/**
 * DiskHeadCheck for a raw image that a system tool writes into a file itself: passes the
 * compressed bytes on to the tool unchanged (when they are piped to it) and now and then looks
 * at the file (`look`, also called on a timer when the tool reads the archive itself), reporting
 * its growth as progress and checking its start as soon as the tool wrote that far. The tool
 * writes in order (skipping zeros forward), so everything below the file's size is final.
 */
export class WrittenImageWatch extends Transform {
  /** The output's size at the last look. */
  size = 0;
  /** The output's head passed the disk-image check. */
  headChecked = false;
  private unseen = 0;

  constructor(
    private readonly output: FileHandle,
    private readonly sourcePath: string,
    private readonly format: CompressedFormat,
    private readonly progress: PhaseProgress,
    /** Told the output's size at each look (to flush it as it grows). */
    private readonly onSize: (size: number) => void = () => {},
  ) {
    super({ highWaterMark: 1 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.unseen += chunk.length;
    if (this.unseen < LOOK_EVERY) return callback(null, chunk);
    this.unseen = 0;
    this.look(false).then(() => callback(null, chunk), callback);
  }

  /** Call once the tool finished: the last size, and the head check if it never ran. */
  finished(): Promise<void> {
    return this.look(true);
  }

  /** Looks at the output now (the size so far, the head check once there is enough of it). */
  async look(finished = false): Promise<void> {
    const { size } = await this.output.stat();
    this.progress.wrote(size - this.size);
    this.size = size;
    this.onSize(size);
    if (this.headChecked || (!finished && size < HEAD_BYTES)) return;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await this.output.read(head, 0, head.length, 0);
    const problem = headProblem(head, this.sourcePath, this.format);
    if (problem) throw problem;
    this.headChecked = true;
  }
}

/** Checks a zip entry's CRC-32 and size (yauzl reads them but does not check them). */
export class ZipEntryCheck extends Transform {
  private crc = 0;
  private bytes = 0;

  constructor(
    private readonly expectedCrc: number,
    private readonly expectedSize: number,
    private readonly describe: string,
    private readonly subject: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    if (this.bytes > this.expectedSize)
      return callback(this.damaged('it holds more data than its size says'));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.bytes !== this.expectedSize) {
      return callback(this.damaged(`it holds ${this.bytes} bytes instead of ${this.expectedSize}`));
    }
    if (this.crc >>> 0 !== this.expectedCrc) {
      return callback(this.damaged('its CRC-32 checksum does not match'));
    }
    callback();
  }

  private damaged(why: string): ImageError {
    return new ImageError(
      'corrupt-archive',
      `${this.describe} is damaged: ${why}. Download the archive again.`,
      this.subject,
    );
  }
}
