import { Transform, type TransformCallback } from 'node:stream';

import unbzip2 from 'unbzip2-stream';

/**
 * bzip2 in JavaScript (unbzip2-stream), for machines without a bzip2 tool. unbzip2-stream is an
 * old-style `through` stream that Node's pipeline cannot end cleanly ("Premature close"), so
 * it is driven here from a proper Transform. It checks block and stream CRCs and reports a
 * stream that ends early. Slow (a few MB/s): the system tool is preferred when present.
 */
export class Bzip2Decoder extends Transform {
  private readonly inner = unbzip2();
  private failure: Error | null = null;
  private ended = false;

  constructor() {
    super({ readableHighWaterMark: 1 << 20 });
    this.inner.on('data', (chunk: Buffer) => this.push(chunk));
    this.inner.on('error', (error: Error) => {
      this.failure ??= explain(error);
    });
    this.inner.on('end', () => {
      this.ended = true;
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.inner.write(chunk);
    } catch (error) {
      this.failure ??= explain(error);
    }
    callback(this.failure);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.inner.end();
    } catch (error) {
      this.failure ??= explain(error);
    }
    if (!this.failure && !this.ended) this.failure = new Error('unexpected end of input');
    callback(this.failure);
  }
}

/** unbzip2-stream reads past its last buffer (a TypeError) when the data ends inside a block. */
function explain(error: unknown): Error {
  if (error instanceof TypeError) return new Error('unexpected end of input inside a block');
  return error instanceof Error ? error : new Error(String(error));
}
