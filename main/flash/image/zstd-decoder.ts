import { Transform, type TransformCallback } from 'node:stream';

import { Decompress } from 'fzstd';

/**
 * Zstandard in JavaScript (fzstd), for machines without the zstd tool: Node 20's zlib has no
 * zstd and etcher-sdk has none either. fzstd reports a stream that ends inside a frame, but
 * does not check a frame's optional XXH64 content checksum: damage inside a frame goes
 * unnoticed here unless the image's published sha256 is checked (the zstd tool checks it).
 */
export class ZstdDecoder extends Transform {
  private readonly inner: Decompress;

  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
    this.inner = new Decompress((chunk) => {
      this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.inner.push(chunk);
      callback();
    } catch (error) {
      callback(asError(error));
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.inner.push(new Uint8Array(0), true);
      callback();
    } catch (error) {
      callback(asError(error));
    }
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
