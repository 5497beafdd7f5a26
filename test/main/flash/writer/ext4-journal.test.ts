import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileDisk } from 'file-disk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { crc32cRaw } from '../../../../main/flash/writer/crc32c';
import { discardCleanJournal } from '../../../../main/flash/writer/ext4-journal';
import { run, runStatus } from '../../../support/fixture-images';
import { readRange, requireLoopDevices } from './writer-fixtures';

const KiB = 1024;

/** dumpe2fs -h fields of interest: journal sequence, start, checksum, features. */
async function journalFacts(image: string) {
  const out = await run('dumpe2fs', ['-h', image]);
  const field = (name: string) => new RegExp(`^${name}:\\s+(.+)$`, 'm').exec(out)?.[1]?.trim();
  return {
    sequence: field('Journal sequence'),
    start: field('Journal start'),
    checksum: field('Journal checksum'),
    features: field('Journal features'),
    blocks: Number(field('Total journal blocks')),
  };
}

/** The journal superblock's offset, from debugfs (first block of inode 8). */
async function journalSuperblockAt(image: string): Promise<number> {
  const out = await run('debugfs', ['-R', 'bmap <8> 0', image]);
  return Number(out.trim()) * 4 * KiB;
}

// A clean ext4 journal is left out of the write except its superblock, which gets a fresh
// sequence number and a checksum that e2fsck and the kernel accept; a journal that needs
// recovery is never touched. Checked with e2fsprogs and a real (read-only) mount.
describe('discardCleanJournal', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-journal-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** An ext4 image that was mounted and written once (the kernel adds journal checksums). */
  async function usedExt4(name: string): Promise<string> {
    const image = join(dir, name);
    await writeFile(image, '');
    await truncate(image, 64 * 1024 * KiB);
    await run('mkfs.ext4', ['-q', '-F', '-b', '4096', image]);
    const mountPoint = join(dir, `${name}-mnt`);
    await mkdir(mountPoint);
    await run('mount', ['-o', 'loop', image, mountPoint]);
    try {
      await writeFile(join(mountPoint, 'hello.txt'), 'hello\n');
    } finally {
      await run('umount', [mountPoint]);
    }
    return image;
  }

  async function onDisk<T>(image: string, work: (disk: FileDisk) => Promise<T>): Promise<T> {
    const handle = await open(image, 'r+');
    try {
      // Writes go to the file; discards are only recorded (as on the copy-on-write view).
      return await work(new FileDisk(handle, false, false));
    } finally {
      await handle.close();
    }
  }

  it('renews the sequence (checksum right), leaves out the body, and the filesystem stays clean', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await usedExt4('clean.img');
    const before = await journalFacts(image);
    expect(before.features).toContain('journal_checksum_v3');
    expect(before.start).toBe('0');
    // Our CRC-32C agrees with e2fsprogs' on the untouched superblock.
    const jsbAt = await journalSuperblockAt(image);
    const jsb = await readRange(image, jsbAt, KiB);
    const stored = jsb.readUInt32BE(0xfc);
    jsb.writeUInt32BE(0, 0xfc);
    expect(`0x${crc32cRaw(jsb).toString(16).padStart(8, '0')}`).toBe(before.checksum);
    expect(stored).toBe(crc32cRaw(jsb));

    const { discarded, chunks } = await onDisk(image, async (disk) => ({
      discarded: await discardCleanJournal(disk, 0),
      chunks: disk.getDiscardedChunks(),
    }));
    expect(discarded).toBe((before.blocks - 1) * 4 * KiB);
    // Exactly the journal's blocks after its superblock (debugfs lists them in logical order).
    const journalBlocks = (await run('debugfs', ['-R', 'blocks <8>', image]))
      .trim()
      .split(/\s+/)
      .map(Number);
    const discardedBlocks = chunks.flatMap((c) =>
      Array.from({ length: (c.end + 1 - c.start) / (4 * KiB) }, (_, i) => c.start / (4 * KiB) + i),
    );
    expect(discardedBlocks.sort((a, b) => a - b)).toEqual(
      journalBlocks.slice(1).sort((a, b) => a - b),
    );

    const after = await journalFacts(image);
    expect(after.sequence).not.toBe(before.sequence);
    expect(after.checksum).not.toBe(before.checksum);
    expect(after.start).toBe('0');
    const check = await runStatus('e2fsck', ['-fn', image]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    // The kernel checks the journal superblock's checksum when it mounts.
    const mountPoint = join(dir, 'clean.img-mnt');
    await run('mount', ['-o', 'loop,ro', image, mountPoint]);
    await run('umount', [mountPoint]);
  }, 60_000);

  it('leaves a journal that needs recovery alone', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await usedExt4('dirty.img');
    const jsbAt = await journalSuperblockAt(image);
    // s_start ≠ 0: transactions to replay.
    const handle = await open(image, 'r+');
    await handle.write(Buffer.from([0, 0, 0, 1]), 0, 4, jsbAt + 28);
    await handle.close();
    const jsb = await readRange(image, jsbAt, KiB);
    const discarded = await onDisk(image, async (disk) => {
      const bytes = await discardCleanJournal(disk, 0);
      expect(disk.getDiscardedChunks()).toEqual([]);
      return bytes;
    });
    expect(discarded).toBe(0);
    expect(await readRange(image, jsbAt, KiB)).toEqual(jsb);
  }, 60_000);

  it('ignores what is not ext4', async () => {
    const image = join(dir, 'zeros.img');
    await writeFile(image, Buffer.alloc(1024 * KiB));
    expect(await onDisk(image, (disk) => discardCleanJournal(disk, 0))).toBe(0);
  });
});
