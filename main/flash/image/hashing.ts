import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

import { readFileInPieces, type ReadPiecesOptions } from './read-file-in-pieces';

/** Passes bytes through unchanged while computing their sha256 and counting them. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly onBytes?: (bytes: number) => void) {
    // Room for a few MiB between stages, so a decoder's bursts do not stall on a full pipe.
    super({ highWaterMark: 4 << 20 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.onBytes?.(chunk.length);
    callback(null, chunk);
  }

  /** The hex sha256 of everything that passed; call once, after the stream finished. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

export interface HashFileOptions extends ReadPiecesOptions {
  onBytes?: (bytes: number) => void;
}

/** The sha256 of a file, read sequentially in large pieces. */
export async function sha256File(path: string, options: HashFileOptions = {}): Promise<string> {
  const hash = createHash('sha256');
  await readFileInPieces(
    path,
    (piece) => {
      hash.update(piece);
      options.onBytes?.(piece.length);
    },
    options,
  );
  return hash.digest('hex');
}
