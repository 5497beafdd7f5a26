import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileDisk } from 'file-disk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { discardUnusedInodeTables } from '../../../../main/flash/writer/ext4-inode-tables';
import { run, runStatus } from '../../../support/fixture-images';
import { requireLoopDevices } from './writer-fixtures';

const MiB = 1024 * 1024;

/** Inode table ranges of every group, from dumpe2fs ("Inode table at A-B"). */
async function inodeTables(image: string, blockSize: number): Promise<[number, number][]> {
  const out = await run('dumpe2fs', [image]);
  return [...out.matchAll(/Inode table at (\d+)-(\d+)/g)].map((m) => [
    Number(m[1]) * blockSize,
    (Number(m[2]) + 1) * blockSize,
  ]);
}

// Never-used ends of inode tables are left out only where group checksums make the kernel and
// e2fsck ignore them. Proved the hard way: what was left out is filled with random bytes (a
// used card), then e2fsck must find the filesystem clean, and stay clean after the kernel
// mounted it and created files in it.
describe('discardUnusedInodeTables', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-itable-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function makeExt4(name: string, options: string[]): Promise<string> {
    const image = join(dir, name);
    await writeFile(image, '');
    await truncate(image, 128 * MiB);
    await run('mkfs.ext4', ['-q', '-F', '-b', '4096', ...options, image]);
    return image;
  }

  async function discard(image: string) {
    const handle = await open(image, 'r+');
    try {
      const disk = new FileDisk(handle, true, true, false);
      const bytes = await discardUnusedInodeTables(disk, 0);
      return { bytes, chunks: disk.getDiscardedChunks() };
    } finally {
      await handle.close();
    }
  }

  it('leaves out only unused inode-table blocks, and stale data there is harmless', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeExt4('csum.img', ['-E', 'lazy_itable_init=1']);
    const { bytes, chunks } = await discard(image);
    expect(bytes).toBeGreaterThan(MiB);
    const tables = await inodeTables(image, 4096);
    for (const chunk of chunks) {
      const inside = tables.some(([start, end]) => chunk.start >= start && chunk.end < end);
      expect(inside, `${chunk.start}-${chunk.end}`).toBe(true);
    }
    // Group 0's table starts with the reserved and root inodes: never left out.
    expect(chunks.some((c) => c.start === tables[0]![0])).toBe(false);

    // A used card: random bytes where nothing was written.
    const handle = await open(image, 'r+');
    for (const chunk of chunks) {
      await handle.write(randomBytes(chunk.end + 1 - chunk.start), 0, undefined, chunk.start);
    }
    await handle.close();
    const before = await runStatus('e2fsck', ['-fn', image]);
    expect(before.code, before.stdout + before.stderr).toBe(0);

    const mountPoint = join(dir, 'mnt');
    await mkdir(mountPoint);
    await run('mount', ['-o', 'loop', image, mountPoint]);
    try {
      for (let i = 0; i < 3000; i++) await writeFile(join(mountPoint, `f${i}`), `${i}\n`);
    } finally {
      await run('umount', [mountPoint]);
    }
    const after = await runStatus('e2fsck', ['-fn', image]);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(/3011\/\d+ files/);
  }, 120_000);

  it('leaves out nothing without group checksums (every inode is read)', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeExt4('plain.img', ['-O', '^metadata_csum,^uninit_bg']);
    expect(await run('dumpe2fs', ['-h', image])).not.toMatch(/metadata_csum|uninit_bg/);
    expect(await discard(image)).toEqual({ bytes: 0, chunks: [] });
  });
});
