import { Disk, type ReadResult, type WriteResult } from 'file-disk';

/**
 * One partition of a disk seen as a disk of its own. balena-image-fs is handed this view with
 * "no partition", so it never resolves partition numbers itself (partitioninfo numbers the
 * non-empty MBR entries in order, which is not Linux's /dev/sdaN numbering when a slot is
 * empty), and it cannot read or write past the partition.
 */
export class PartitionDisk extends Disk {
  constructor(
    private readonly parent: Disk,
    private readonly offset: number,
    private readonly size: number,
  ) {
    super(false, false, false, true);
  }

  protected async _getCapacity(): Promise<number> {
    return this.size;
  }

  protected async _read(
    buffer: Buffer,
    bufferOffset: number,
    length: number,
    fileOffset: number,
  ): Promise<ReadResult> {
    const inside = Math.max(0, Math.min(length, this.size - fileOffset));
    const target = buffer.subarray(bufferOffset, bufferOffset + length);
    if (inside > 0) {
      // Disk.read always fills from the start of the buffer it is given.
      await this.parent.read(target.subarray(0, inside), 0, inside, this.offset + fileOffset);
    }
    target.fill(0, inside);
    return { bytesRead: length, buffer };
  }

  protected async _write(
    buffer: Buffer,
    bufferOffset: number,
    length: number,
    fileOffset: number,
  ): Promise<WriteResult> {
    if (fileOffset < 0 || fileOffset + length > this.size) {
      throw new RangeError(`Write outside the partition: ${length} bytes at ${fileOffset}`);
    }
    await this.parent.write(buffer, bufferOffset, length, this.offset + fileOffset);
    return { bytesWritten: length, buffer };
  }

  protected async _flush(): Promise<void> {
    await this.parent.flush();
  }
}

export function partitionDisk(
  disk: Disk,
  partition: { offset: number; size: number },
): PartitionDisk {
  return new PartitionDisk(disk, partition.offset, partition.size);
}
