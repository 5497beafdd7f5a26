import { open } from 'node:fs/promises';

import { FileDisk, type ReadResult } from 'file-disk';

import type { GrowingImage } from './image';

/**
 * An image that is still being decompressed, as a read-only Disk of its final size: each read
 * waits until the image reaches past it (the app detects the OS in it meanwhile). Writes stay in
 * memory, as for any read-only Disk here.
 */
class GrowingFileDisk extends FileDisk {
  constructor(
    handle: Awaited<ReturnType<typeof open>>,
    private readonly image: GrowingImage,
    private readonly signal: AbortSignal,
  ) {
    super(handle, true, true);
  }

  protected override async _getCapacity(): Promise<number> {
    return this.image.size;
  }

  protected override async _read(
    buffer: Buffer,
    bufferOffset: number,
    length: number,
    fileOffset: number,
  ): Promise<ReadResult> {
    await this.image.extent.waitToRead(fileOffset, length, this.signal);
    return super._read(buffer, bufferOffset, length, fileOffset);
  }
}

/** Runs `fn` with the growing image (at `path`, a link to it) opened as a Disk, then closes it. */
export async function withGrowingDisk<T>(
  path: string,
  image: GrowingImage,
  signal: AbortSignal,
  fn: (disk: FileDisk) => Promise<T>,
): Promise<T> {
  const handle = await open(path, 'r');
  try {
    return await fn(new GrowingFileDisk(handle, image, signal));
  } finally {
    await handle.close();
  }
}
