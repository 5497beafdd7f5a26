import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createRequire } from 'node:module';

import type { getAlignedBuffer } from '@ronomon/direct-io';

const PIECE = 8 << 20;
/** O_DIRECT wants buffer addresses, offsets and lengths in multiples of the logical block size. */
const ALIGNMENT = 4096;

type AlignedBuffer = typeof getAlignedBuffer;

let alignedBuffer: AlignedBuffer | null | undefined;

/** The native helper for aligned memory; null where it cannot load (reads then use the cache). */
function loadAlignedBuffer(): AlignedBuffer | null {
  if (alignedBuffer === undefined) {
    try {
      const require = createRequire(import.meta.url);
      alignedBuffer = (require('@ronomon/direct-io') as { getAlignedBuffer: AlignedBuffer })
        .getAlignedBuffer;
    } catch {
      alignedBuffer = null;
    }
  }
  return alignedBuffer;
}

/**
 * Opens a file for reading; `uncached`: around the page cache (O_DIRECT, Linux) when it can. Why:
 * a freshly decompressed image is mostly holes, and a buffered read of a hole makes the kernel
 * allocate and zero a page-cache page for every 4 KiB of it (seconds per GiB), while a direct
 * read hands back zeros for holes without touching the cache. Anything else (no O_DIRECT here,
 * a filesystem that refuses it, no native helper) falls back to an ordinary read.
 */
async function openForReading(
  path: string,
  uncached: boolean,
): Promise<{ handle: FileHandle; buffers: Buffer[] }> {
  const aligned = uncached && constants.O_DIRECT !== undefined ? loadAlignedBuffer() : null;
  if (aligned) {
    try {
      const handle = await open(path, constants.O_RDONLY | constants.O_DIRECT);
      return { handle, buffers: [aligned(PIECE, ALIGNMENT), aligned(PIECE, ALIGNMENT)] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    }
  }
  const handle = await open(path, 'r');
  return { handle, buffers: [Buffer.allocUnsafe(PIECE), Buffer.allocUnsafe(PIECE)] };
}

export interface ReadPiecesOptions {
  signal?: AbortSignal;
  uncached?: boolean;
}

/**
 * Reads a whole file in order and hands each piece to `consume`, reading the next piece while
 * the current one is consumed (two buffers). A piece is only valid until `consume` returned (or
 * its promise settled). Returns the number of bytes read.
 */
export async function readFileInPieces(
  path: string,
  consume: (piece: Buffer) => void | Promise<void>,
  options: ReadPiecesOptions = {},
): Promise<number> {
  const { handle, buffers } = await openForReading(path, options.uncached ?? false);
  let next: ReturnType<FileHandle['read']> | null = null;
  try {
    const { size } = await handle.stat();
    let position = 0;
    let turn = 0;
    const readAt = () => (position < size ? handle.read(buffers[turn]!, 0, PIECE, position) : null);
    next = readAt();
    while (next) {
      const { bytesRead } = await next;
      next = null;
      if (bytesRead === 0) break; // the file shrank while it was read
      options.signal?.throwIfAborted();
      position += bytesRead;
      turn ^= 1;
      next = readAt();
      await consume(buffers[turn ^ 1]!.subarray(0, bytesRead));
    }
    return position;
  } finally {
    await next?.catch(() => {});
    await handle.close();
  }
}
