import type { Disk } from 'file-disk';

/**
 * Byte access to one partition of a disk: offsets are relative to the partition's start and
 * may not leave it, so nothing here can touch a neighbouring partition.
 */
export class PartitionIO {
  constructor(
    readonly disk: Disk,
    /** Byte offset of the partition on the disk. */
    readonly offset: number,
    /** Byte size of the partition. */
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Buffer> {
    this.check(offset, length);
    const buffer = Buffer.alloc(length);
    if (length > 0) await this.disk.read(buffer, 0, length, this.offset + offset);
    return buffer;
  }

  async write(offset: number, data: Uint8Array): Promise<void> {
    this.check(offset, data.length);
    if (data.length === 0) return;
    const buffer = Buffer.from(data.buffer, data.byteOffset, data.length);
    await this.disk.write(buffer, 0, buffer.length, this.offset + offset);
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`Invalid partition access: ${length} bytes at ${offset}`);
    }
    if (offset + length > this.size) {
      throw new RangeError(
        `Partition access beyond its end: ${length} bytes at ${offset} of ${this.size}`,
      );
    }
  }
}
