import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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

export interface HashFileOptions {
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** The sha256 of a file, read sequentially in large chunks. */
export async function sha256File(path: string, options: HashFileOptions = {}): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    async function (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        options.onBytes?.(chunk.length);
      }
    },
    { signal: options.signal },
  );
  return hash.digest('hex');
}
