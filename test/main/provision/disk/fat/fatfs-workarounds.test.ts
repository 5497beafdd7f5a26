import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { interact } from 'balena-image-fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyBootPayload, openDisk, PartitionIO } from '../../../../../main/provision/disk';
import {
  fixDotEntries,
  normalizeEndOfChain,
  prepareOverwrite,
  releaseEmptyFile,
  zeroDirectoryTail,
} from '../../../../../main/provision/disk/fat/fatfs-workarounds';
import { syncFat } from '../../../../../main/provision/disk/fat/sync';
import { FatVolume, rootDirectory } from '../../../../../main/provision/disk/fat/volume';
import {
  type FixtureImage,
  fsckFat,
  makeFixtureImage,
  missingFixtureTools,
  mtoolsRead,
  requireFixtureTools,
} from '../../../../support/fixture-images';

describe('fatfs workarounds', () => {
  let dir: string;
  let fat32: FixtureImage;
  let fat16: FixtureImage;
  let counter = 0;

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-fatfs-'));
    fat32 = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'fat32.img' });
    fat16 = await makeFixtureImage('alpine', dir, { fileName: 'fat16.img' });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function copyOf(image: FixtureImage): Promise<FixtureImage> {
    const path = join(dir, `copy-${counter++}.img`);
    await copyFile(image.path, path);
    return { ...image, path };
  }

  async function withVolume<T>(
    image: FixtureImage,
    fn: (volume: FatVolume, io: PartitionIO) => Promise<T>,
  ): Promise<T> {
    const opened = await openDisk(image.path, { write: true });
    try {
      const io = new PartitionIO(opened.disk, image.boot!.offset, image.boot!.size);
      return await fn(await FatVolume.open(io), io);
    } finally {
      await opened.close();
    }
  }

  const tiny = Buffer.from('tiny\n');

  it('why: fatfs alone corrupts the FAT when it overwrites a file with shorter content', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    await interact(image.path, 1, async (fs) => {
      await fs.promises.writeFile('/start4.elf', tiny);
    });
    await withVolume(image, (_volume, io) => syncFat(io));
    const result = await fsckFat(image.path, image.boot!);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/out of range|cluster chain length|Reclaimed/);
  });

  it('the same overwrite through applyBootPayload leaves a clean FAT and exact content', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    await applyBootPayload(image.path, {
      family: 'raspios-bookworm',
      files: [{ path: 'start4.elf', content: tiny }],
      edits: [],
    });
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
    expect(await mtoolsRead(image.path, image.boot!.offset, 'start4.elf')).toEqual(tiny);
  });

  it('prepareOverwrite keeps the first cluster, frees the rest and sets the size to 0', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    await withVolume(image, async (volume) => {
      const { entry } = (await volume.lookup('start4.elf'))!;
      const fat = await volume.table();
      const chain = fat.chain(entry.firstCluster);
      expect(chain.length).toBe(48); // 24 KiB in 512-byte clusters
      const freeBefore = fat.freeCount();
      await prepareOverwrite(volume, entry);

      const fresh = await FatVolume.open(volume.io); // from disk, not our cache
      const after = (await fresh.lookup('start4.elf'))!.entry;
      const table = await fresh.table();
      expect(after).toMatchObject({ firstCluster: chain[0], size: 0 });
      expect(table.chain(after.firstCluster)).toEqual([chain[0]]);
      for (const c of chain.slice(1)) expect(table.get(c)).toBe(0);
      expect(table.freeCount()).toBe(freeBefore + 47);
    });
  });

  it('prepareOverwrite gives an empty file (start cluster 0) one cluster', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat16);
    await applyBootPayload(image.path, {
      family: 'alpine',
      files: [{ path: 'ssh', content: Buffer.alloc(0) }],
      edits: [],
    });
    await withVolume(image, async (volume) => {
      const { entry } = (await volume.lookup('ssh'))!;
      expect(entry).toMatchObject({ firstCluster: 0, size: 0 }); // releaseEmptyFile did its job
      await prepareOverwrite(volume, entry);
      const after = (await volume.lookup('ssh'))!.entry;
      expect(after.firstCluster).toBeGreaterThanOrEqual(2);
      expect((await volume.table()).chain(after.firstCluster)).toHaveLength(1);
      await releaseEmptyFile(volume, after);
      expect((await volume.lookup('ssh'))!.entry.firstCluster).toBe(0);
      expect((await volume.table()).get(after.firstCluster)).toBe(0);
    });
    // And an empty file can be overwritten with content (fatfs alone would write into the FAT).
    await applyBootPayload(image.path, {
      family: 'alpine',
      files: [{ path: 'ssh', content: tiny }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'ssh')).toEqual(tiny);
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('points `..` of a new first-level folder at 0 and of a deeper one at its parent', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    await applyBootPayload(image.path, {
      family: 'raspios-bookworm',
      files: [{ path: 'kubeflash/pki/ca.crt', content: tiny }],
      edits: [],
    });
    await withVolume(image, async (volume) => {
      const top = (await volume.lookup('kubeflash'))!.entry;
      const sub = (await volume.lookup('kubeflash/pki'))!.entry;
      const dots = async (cluster: number): Promise<number[]> =>
        (await volume.readDirectory({ root: false, cluster })).entries
          .filter((e) => e.isDotEntry)
          .map((e) => e.firstCluster);
      expect(await dots(top.firstCluster)).toEqual([top.firstCluster, 0]);
      expect(await dots(sub.firstCluster)).toEqual([sub.firstCluster, top.firstCluster]);
      // Break it as fatfs does, and fix it again.
      const dotdot = (await volume.readDirectory({ root: false, cluster: top.firstCluster }))
        .entries[1]!;
      await volume.updateEntry(dotdot, { firstCluster: volume.geometry.rootCluster });
      expect(await fixDotEntries(volume, top, rootDirectory)).toBe(1);
      expect(await dots(top.firstCluster)).toEqual([top.firstCluster, 0]);
    });
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('why: fatfs cannot grow a FAT32 root directory whose chain ends in 0x0FFFFFF8', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    const root = await withVolume(image, async (volume) => {
      const fat = await volume.table();
      return fat.get(volume.geometry.rootCluster);
    });
    expect(root).toBe(0x0ffffff8); // as mkfs.vfat writes it
    const names = Array.from({ length: 12 }, (_, i) => `/a-long-file-name-${i}.txt`);
    await expect(
      interact(image.path, 1, async (fs) => {
        for (const name of names) await fs.promises.writeFile(name, tiny);
      }),
    ).rejects.toThrow(/Input\/output error/);
  });

  it('normalizeEndOfChain rewrites that marker as 0x0FFFFFFF (once)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    await withVolume(image, async (volume) => {
      expect(await normalizeEndOfChain(volume, rootDirectory)).toBe(true);
      expect(await normalizeEndOfChain(volume, rootDirectory)).toBe(false);
      expect((await volume.table()).get(volume.geometry.rootCluster)).toBe(0x0fffffff);
    });
  });

  it('so applyBootPayload can grow that root directory', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat32);
    const files = Array.from({ length: 12 }, (_, i) => ({
      path: `a-long-file-name-${i}.txt`,
      content: tiny,
    }));
    await applyBootPayload(image.path, { family: 'raspios-bookworm', files, edits: [] });
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
    for (const file of files) {
      expect(await mtoolsRead(image.path, image.boot!.offset, file.path)).toEqual(tiny);
    }
  });

  it('zeroDirectoryTail clears stale slots after the end-of-directory marker', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat16);
    await withVolume(image, async (volume, io) => {
      const { endSlot } = await volume.readDirectory(rootDirectory);
      const staleAt = volume.geometry.rootDirOffset + (endSlot! + 2) * 32;
      await io.write(staleAt, Buffer.from('STALE   TXT\x20', 'latin1'));
      expect(await zeroDirectoryTail(volume, rootDirectory)).toBe(1);
      expect((await io.read(staleAt, 32)).every((b) => b === 0)).toBe(true);
      expect(await zeroDirectoryTail(volume, rootDirectory)).toBe(0);
    });
  });

  it('applyBootPayload leaves no stale slot after the end marker of a folder it wrote into', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf(fat16);
    const staleAt = await withVolume(image, async (volume, io) => {
      const { endSlot } = await volume.readDirectory(rootDirectory);
      const at = volume.geometry.rootDirOffset + (endSlot! + 6) * 32;
      await io.write(at, Buffer.from('STALE   TXT\x20', 'latin1'));
      return at;
    });
    await applyBootPayload(image.path, {
      family: 'alpine',
      files: [{ path: 'new.txt', content: tiny }],
      edits: [],
    });
    await withVolume(image, async (volume, io) => {
      expect((await io.read(staleAt, 32)).every((b) => b === 0)).toBe(true);
      const { entries } = await volume.readDirectory(rootDirectory);
      expect(entries.map((e) => e.name)).toContain('new.txt');
    });
  });
});
