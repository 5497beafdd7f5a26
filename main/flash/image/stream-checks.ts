import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

import { classifyHead, type CompressedFormat, HEAD_BYTES, notAnImage } from './detect-format';
import { ImageError } from './image-error';

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
    const head = classifyHead(data.subarray(0, HEAD_BYTES));
    if (head.kind !== 'raw') return callback(notAnImage(this.sourcePath, head, this.format));
    callback(null, data);
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
