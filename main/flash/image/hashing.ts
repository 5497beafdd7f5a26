import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { setImmediate } from 'node:timers/promises';

import { readFileInPieces, type ReadPiecesOptions } from './read-file-in-pieces';

/** Passes bytes through unchanged while counting them and, when asked, computing their sha256. */
export class HashingStream extends Transform {
  private readonly hash: Hash | null;
  bytes = 0;

  constructor(
    private readonly onBytes?: (bytes: number) => void,
    hash = true,
  ) {
    // Room for a few MiB between stages, so a decoder's bursts do not stall on a full pipe.
    super({ highWaterMark: 4 << 20 });
    this.hash = hash ? createHash('sha256') : null;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash?.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  /** The hex sha256 of everything that passed (null when not hashing); call once, at the end. */
  digest(): string | null {
    return this.hash?.digest('hex') ?? null;
  }
}

export interface HashFileOptions extends ReadPiecesOptions {
  onBytes?: (bytes: number) => void;
}

/** How much is hashed between two turns of the event loop (about half a millisecond of work). */
const SLICE = 1 << 20;

/**
 * The sha256 of a file, read sequentially in large pieces. The hashing gives the event loop a
 * turn after every MiB: an image is hashed in the background while the card is prepared and
 * written, and that work (many short steps) must not wait behind a long hash.
 */
export async function sha256File(path: string, options: HashFileOptions = {}): Promise<string> {
  const hash = createHash('sha256');
  await readFileInPieces(
    path,
    async (piece) => {
      for (let offset = 0; offset < piece.length; offset += SLICE) {
        if (offset > 0) await setImmediate();
        hash.update(piece.subarray(offset, offset + SLICE));
      }
      options.onBytes?.(piece.length);
    },
    options,
  );
  return hash.digest('hex');
}
