import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HOLE_PIECE, SparseFileSink } from '../../../../main/flash/image/sparse-file-sink';

const MiB = 1024 * 1024;

/** Data, zeros, data, zeros (ending on zeros), in chunks of odd sizes that straddle pieces. */
function diskLike(): { whole: Buffer; chunks: Buffer[] } {
  const whole = Buffer.concat([
    randomBytes(3 * MiB + 123),
    Buffer.alloc(9 * MiB),
    randomBytes(HOLE_PIECE / 2),
    Buffer.alloc(5 * MiB + 77),
  ]);
  const chunks: Buffer[] = [];
  for (let at = 0, size = 1; at < whole.length; at += size, size = (size * 7 + 4093) % MiB) {
    chunks.push(whole.subarray(at, at + size));
  }
  return { whole, chunks };
}

describe('SparseFileSink', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-sparse-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the stream, with its all-zero pieces left as holes', async () => {
    const { whole, chunks } = diskLike();
    const path = join(dir, 'image.img');
    const sink = new SparseFileSink(path);
    await pipeline(Readable.from(chunks), sink);

    expect((await readFile(path)).equals(whole)).toBe(true);
    const info = await stat(path);
    expect(info.size).toBe(whole.length);
    // Only the data (rounded to pieces) was written, and the file system holds about that much.
    expect(sink.dataBytes).toBeLessThan(4 * MiB);
    expect(sink.dataBytes).toBeGreaterThanOrEqual(3 * MiB + 123 + HOLE_PIECE / 2);
    expect(info.blocks * 512).toBeLessThan(5 * MiB);
  });

  it('refuses to overwrite an existing file (like flags "wx")', async () => {
    const path = join(dir, 'exists.img');
    await writeFile(path, 'keep me');
    await expect(
      pipeline(Readable.from([Buffer.from('x')]), new SparseFileSink(path)),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('keep me');
  });
});
