import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { sha256File } from '../../../../main/flash/image/hashing';
import { readFileInPieces } from '../../../../main/flash/image/read-file-in-pieces';

const MiB = 1024 * 1024;
let dir: string;
let sparse: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeflash-pieces-'));
  // 40 MiB and a few bytes (not a multiple of any block size): data, a hole, data, a hole.
  sparse = join(dir, 'sparse.img');
  writeFileSync(sparse, '');
  truncateSync(sparse, 40 * MiB + 123);
  const fd = openSync(sparse, 'r+');
  writeSync(fd, randomBytes(3 * MiB), 0, 3 * MiB, 0);
  writeSync(fd, randomBytes(MiB + 7), 0, MiB + 7, 20 * MiB);
  closeSync(fd);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('reading a whole file in pieces', () => {
  for (const uncached of [false, true]) {
    it(`${uncached ? 'around the page cache' : 'through the page cache'}: every byte, in order`, async () => {
      const pieces: Buffer[] = [];
      const total = await readFileInPieces(
        sparse,
        (piece) => void pieces.push(Buffer.from(piece)),
        {
          uncached,
        },
      );
      expect(total).toBe(40 * MiB + 123);
      expect(sha256(Buffer.concat(pieces))).toBe(sha256(readFileSync(sparse)));
      expect(await sha256File(sparse, { uncached })).toBe(sha256(readFileSync(sparse)));
    });
  }

  it('waits for a consumer that takes its time: each piece stays intact until it is done', async () => {
    const pieces: Buffer[] = [];
    await readFileInPieces(sparse, async (piece) => {
      // The next read would land in this buffer's twin; the one after, in this very buffer.
      await new Promise((resolve) => setTimeout(resolve, 5));
      pieces.push(Buffer.from(piece));
    });
    expect(sha256(Buffer.concat(pieces))).toBe(sha256(readFileSync(sparse)));
  });

  it('an empty file is zero pieces', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    let calls = 0;
    expect(await readFileInPieces(empty, () => void calls++, { uncached: true })).toBe(0);
    expect(calls).toBe(0);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const reading = readFileInPieces(sparse, () => controller.abort(), {
      uncached: true,
      signal: controller.signal,
    });
    await expect(reading).rejects.toThrow(/abort/i);
  });
});
