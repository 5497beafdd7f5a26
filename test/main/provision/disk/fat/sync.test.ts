import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  findBootPartition,
  openDisk,
  PartitionIO,
  writeBootFiles,
} from '../../../../../main/provision/disk';
import { parseBootSector } from '../../../../../main/provision/disk/fat/boot-sector';
import {
  checkFat,
  differingRuns,
  hasFsInfoSignatures,
  syncFat,
} from '../../../../../main/provision/disk/fat/sync';
import { FatTable } from '../../../../../main/provision/disk/fat/table';
import { FatVolume } from '../../../../../main/provision/disk/fat/volume';
import type { BootPayload } from '../../../../../main/provision/model';
import {
  type FixtureImage,
  type FixtureKind,
  fsckFat,
  makeFixtureImage,
  missingFixtureTools,
  requireFixtureTools,
} from '../../../../support/fixture-images';

describe('differingRuns', () => {
  it('finds unit-aligned ranges that differ and merges neighbours', () => {
    const a = Buffer.alloc(64);
    const b = Buffer.alloc(64);
    b[3] = 1; // unit 0
    b[20] = 1; // unit 1
    b[60] = 1; // unit 3
    expect(differingRuns(a, b, 16)).toEqual([
      [0, 32],
      [48, 64],
    ]);
    expect(differingRuns(a, a, 16)).toEqual([]);
  });
});

describe('syncFat on mkfs.vfat volumes', () => {
  let dir: string;
  let pristine: Record<'fat32' | 'fat16', FixtureImage>;
  let counter = 0;

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-fatsync-'));
    pristine = {
      fat32: await makeFixtureImage('raspios-bookworm', dir, { fileName: 'fat32.img' }),
      fat16: await makeFixtureImage('hypriot', dir, { fileName: 'fat16.img' }),
    };
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** A fresh copy of a pristine fixture, so tests do not affect each other. */
  async function copyOf(which: 'fat32' | 'fat16'): Promise<FixtureImage> {
    const image = pristine[which];
    const path = join(dir, `copy-${counter++}.img`);
    await copyFile(image.path, path);
    return { ...image, path };
  }

  async function withVolume<T>(
    image: FixtureImage,
    fn: (io: PartitionIO, volume: FatVolume) => Promise<T>,
  ): Promise<T> {
    const opened = await openDisk(image.path, { write: true });
    try {
      const io = new PartitionIO(opened.disk, image.boot!.offset, image.boot!.size);
      return await fn(io, await FatVolume.open(io));
    } finally {
      await opened.close();
    }
  }

  /**
   * Changes the first FAT only, as fatfs does, but keeps the filesystem consistent: a file's
   * end-of-chain marker is rewritten as another end-of-chain value (same meaning).
   */
  async function changeFirstFatOnly(volume: FatVolume): Promise<number> {
    const fat = await volume.table();
    for (let c = 3; c <= fat.lastCluster; c++) {
      if (fat.get(c) === fat.endOfChain) {
        await volume.setFatEntry(c, fat.endOfChain - 7);
        return c;
      }
    }
    throw new Error('no file cluster found');
  }

  /** A wrong FSInfo free count, as fatfs leaves it after allocating. */
  async function staleFsInfo(io: PartitionIO, volume: FatVolume): Promise<void> {
    const at = volume.geometry.fsInfoSector! * 512 + 488;
    const count = (await io.read(at, 4)).readUInt32LE(0);
    const stale = Buffer.alloc(4);
    stale.writeUInt32LE(count + 5);
    await io.write(at, stale);
  }

  it('starts from clean fixtures (fsck.vfat -n exits 0)', async (ctx) => {
    requireFixtureTools(ctx);
    for (const image of Object.values(pristine)) {
      expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
      expect(await withVolume(image, (io) => checkFat(io))).toEqual([]);
    }
  });

  it('FAT32: mirrors the first FAT and recomputes FSInfo; fsck.vfat -n then passes', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('fat32');
    await withVolume(image, async (io, volume) => {
      await changeFirstFatOnly(volume);
      await staleFsInfo(io, volume);
      expect(await checkFat(io)).toEqual([
        'FAT copy 2 differs from copy 1',
        expect.stringMatching(/^FSInfo free clusters \d+, really \d+$/),
      ]);
    });
    const before = await fsckFat(image.path, image.boot!);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/FATs differ/);
    expect(before.stdout).toMatch(/Free cluster summary wrong/);

    const report = await withVolume(image, (io) => syncFat(io));
    expect(report.copiesRewritten).toEqual([1]);
    expect(report.bytesWritten).toBeGreaterThan(0);
    expect(report.fsInfo?.updated).toBe(true);

    await withVolume(image, async (io, volume) => {
      const g = volume.geometry;
      const fat0 = await io.read(g.fatOffset, g.fatBytes);
      const fat1 = await io.read(g.fatOffset + g.fatBytes, g.fatBytes);
      expect(fat1.equals(fat0)).toBe(true);
      const fsInfo = await io.read(g.fsInfoSector! * 512, 512);
      const table = new FatTable(32, fat0, g.clusterCount);
      expect(fsInfo.readUInt32LE(488)).toBe(table.freeCount());
      expect(fsInfo.readUInt32LE(492)).toBe(table.firstFree());
      expect(report.fsInfo).toMatchObject({
        freeClusters: table.freeCount(),
        nextFree: table.firstFree(),
      });
      expect(await checkFat(io)).toEqual([]);
    });
    const after = await fsckFat(image.path, image.boot!);
    expect(after.stdout).not.toMatch(/differ|wrong/);
    expect(after.code).toBe(0);
  });

  it('FAT16: mirrors the first FAT (no FSInfo there)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('fat16');
    await withVolume(image, (io, volume) => changeFirstFatOnly(volume));
    expect((await fsckFat(image.path, image.boot!)).code).toBe(1);
    const report = await withVolume(image, (io) => syncFat(io));
    expect(report).toMatchObject({ fatType: 16, copiesRewritten: [1], fsInfo: null });
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('writes nothing when the FAT is already clean (idempotent)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('fat32');
    await withVolume(image, async (io, volume) => {
      await changeFirstFatOnly(volume);
      await staleFsInfo(io, volume);
    });
    await withVolume(image, (io) => syncFat(io));
    const again = await withVolume(image, (io) => syncFat(io));
    expect(again.copiesRewritten).toEqual([]);
    expect(again.bytesWritten).toBe(0);
    expect(again.fsInfo?.updated).toBe(false);
  });

  it('leaves a sector without FSInfo signatures alone', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('fat32');
    const sector = await withVolume(image, async (io, volume) => {
      const at = volume.geometry.fsInfoSector! * 512;
      await io.write(at, Buffer.from([0, 0, 0, 0])); // break the lead signature
      await changeFirstFatOnly(volume);
      const report = await syncFat(io);
      expect(report.fsInfo).toBeNull();
      expect(report.copiesRewritten).toEqual([1]);
      return io.read(at, 512);
    });
    expect(hasFsInfoSignatures(sector)).toBe(false);
    expect(sector.readUInt32LE(488)).not.toBe(0); // the old count is still there
  });

  it('with FAT32 mirroring off, copies the active FAT over the others', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('fat32');
    await withVolume(image, async (io) => {
      const boot = await io.read(0, 512);
      boot.writeUInt16LE(0x81, 40); // mirroring off, FAT 2 active
      await io.write(0, boot);
      const g = parseBootSector(boot)!;
      const marker = Buffer.from([0xff, 0xff, 0xff, 0x0f]);
      await io.write(g.fatOffset + g.fatBytes + 40 * 4, marker); // cluster 40, in FAT 2 only
      const report = await syncFat(io);
      expect(report).toMatchObject({ sourceFat: 1, copiesRewritten: [0] });
      expect((await io.read(g.fatOffset + 40 * 4, 4)).equals(marker)).toBe(true);
    });
  });

  for (const kind of ['raspios-bookworm', 'hypriot'] as const satisfies readonly FixtureKind[]) {
    it(`${kind}: balena-image-fs writes alone fail fsck.vfat -n; syncFat makes them pass`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = await copyOf(kind === 'hypriot' ? 'fat16' : 'fat32');
      const payload: BootPayload = {
        family: kind,
        files: [
          { path: 'kubeflash/node.env', content: Buffer.from('NODE=rpi-kube-worker-01\n') },
          {
            path: 'user-data',
            content: Buffer.from('#cloud-config\nhostname: rpi-kube-worker-01\n'),
          },
        ],
        edits: [{ path: 'cmdline.txt', ensure: ['cgroup_memory=1'], remove: [] }],
      };
      const opened = await openDisk(image.path, { write: true });
      try {
        const boot = await findBootPartition(opened.disk);
        await writeBootFiles(opened.disk, boot, payload);
      } finally {
        await opened.close();
      }
      const without = await fsckFat(image.path, image.boot!);
      expect(without.code).toBe(1);
      expect(without.stdout).toMatch(/FATs differ/);

      await withVolume(image, (io) => syncFat(io));
      const withSync = await fsckFat(image.path, image.boot!);
      expect(withSync.stdout).not.toMatch(/differ|wrong|Fixing|Truncating|Reclaimed/);
      expect(withSync.code).toBe(0);
    });
  }
});
