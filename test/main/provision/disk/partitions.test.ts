import { copyFile, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  bootFileExists,
  compressionOf,
  DiskError,
  findBootPartition,
  hasLabel,
  listBootFiles,
  listPartitions,
  openDisk,
  PartitionIO,
  withDisk,
} from '../../../../main/provision/disk';
import { FatVolume, rootDirectory } from '../../../../main/provision/disk/fat/volume';
import {
  type FixtureImage,
  type FixtureKind,
  fixtureKinds,
  makeFixtureImage,
  missingFixtureTools,
  pseudoRandomBytes,
  requireFixtureTools,
  run,
} from '../../../support/fixture-images';

interface SfdiskPartition {
  start: number;
  size: number;
  type: string;
}

async function sfdiskPartitions(
  path: string,
): Promise<{ label: string; partitions: SfdiskPartition[] }> {
  const json = JSON.parse(await run('sfdisk', ['--json', path])) as {
    partitiontable: { label: string; partitions: SfdiskPartition[] };
  };
  return json.partitiontable;
}

async function expectDiskError(
  promise: Promise<unknown>,
  problem: string,
  message: RegExp,
): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiskError);
  expect((error as DiskError).problem).toBe(problem);
  expect((error as DiskError).code).toBeTypeOf('string');
  expect((error as DiskError).message).toMatch(message);
}

describe('listPartitions and findBootPartition', () => {
  let dir: string;
  const images = new Map<string, FixtureImage>();

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-partitions-'));
    for (const kind of fixtureKinds) images.set(kind, await makeFixtureImage(kind, dir));
    images.set(
      'ubuntu-gpt',
      await makeFixtureImage('ubuntu', dir, { partitionTable: 'gpt', fileName: 'ubuntu-gpt.img' }),
    );
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const partitioned: (FixtureKind | 'ubuntu-gpt')[] = [
    'raspios-bookworm',
    'raspios-trixie',
    'ubuntu',
    'ubuntu-gpt',
    'hypriot',
    'alpine',
    'unknown',
  ];

  for (const name of partitioned) {
    it(`${name}: offsets and sizes equal what sfdisk reads back`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = images.get(name)!;
      const table = await sfdiskPartitions(image.path);
      const layout = await withDisk(image.path, {}, (disk) => listPartitions(disk));
      expect(layout.table).toBe(table.label === 'dos' ? 'mbr' : 'gpt');
      expect(layout.capacity).toBe(image.size);
      expect(layout.partitions.map((p) => ({ offset: p.offset, size: p.size }))).toEqual(
        table.partitions.map((p) => ({ offset: p.start * 512, size: p.size * 512 })),
      );
      expect(layout.partitions.map((p) => p.index)).toEqual(table.partitions.map((_, i) => i + 1));
      // sfdisk prints MBR types as hex bytes ("c", "83") and GPT types as upper-case GUIDs.
      const types = layout.partitions.map((p) =>
        typeof p.type === 'number' ? p.type.toString(16) : p.type,
      );
      expect(types).toEqual(table.partitions.map((p) => p.type));
    });
  }

  it('boot partitions: index, offset, size, FAT type and label as built', async (ctx) => {
    requireFixtureTools(ctx);
    const expected: Record<string, [number, number, 12 | 16 | 32, string | null]> = {
      'raspios-bookworm': [1, 8192, 32, 'bootfs'],
      'raspios-trixie': [1, 16384, 16, 'bootfs'],
      ubuntu: [1, 2048, 32, 'system-boot'],
      'ubuntu-gpt': [1, 2048, 32, 'system-boot'],
      hypriot: [1, 2048, 16, 'HypriotOS'],
      alpine: [1, 2048, 16, 'PIBOOT'],
      'alpine-legacy': [0, 0, 16, null],
      unknown: [1, 2048, 16, 'DATA'],
    };
    for (const [name, [index, sector, fatType, label]] of Object.entries(expected)) {
      const image = images.get(name)!;
      const boot = await withDisk(image.path, {}, (disk) => findBootPartition(disk));
      expect(boot, name).toMatchObject({
        index,
        offset: sector * 512,
        size: image.boot!.size,
        fatType,
        label,
      });
      // The fixture's own record of what mkfs.vfat was told agrees.
      expect(boot.offset, name).toBe(image.boot!.offset);
      expect(boot.fatType, name).toBe(image.boot!.fatBits);
    }
  });

  it('reads the label from the BPB and the root directory, as written (mixed case kept)', async (ctx) => {
    requireFixtureTools(ctx);
    const boot = await withDisk(images.get('hypriot')!.path, {}, (disk) => findBootPartition(disk));
    expect(boot.labels).toEqual({ bpb: 'HypriotOS', rootDirectory: 'HypriotOS' });
    expect(hasLabel(boot, 'hypriotos')).toBe(true);
    expect(hasLabel(boot, 'HYPRIOT')).toBe(false);

    // When the two disagree, the root directory's label is the one shown (as blkid and
    // Windows do), and either matches.
    const path = join(dir, 'relabelled.img');
    await copyFile(images.get('hypriot')!.path, path);
    const opened = await openDisk(path, { write: true });
    try {
      const volume = await FatVolume.open(new PartitionIO(opened.disk, boot.offset, boot.size));
      const slot = (await volume.readDirectory(rootDirectory)).volumeLabel!.slotOffset;
      await volume.writeAt(slot, Buffer.from('Other Label', 'latin1'));
      const relabelled = await findBootPartition(opened.disk);
      expect(relabelled.labels).toEqual({ bpb: 'HypriotOS', rootDirectory: 'Other Label' });
      expect(relabelled.label).toBe('Other Label');
      expect(hasLabel(relabelled, 'OTHER LABEL')).toBe(true);
      expect(hasLabel(relabelled, 'HYPRIOTOS')).toBe(true);
    } finally {
      await opened.close();
    }
  });

  it('a superfloppy (alpine-legacy) is one FAT filesystem over the whole disk', async (ctx) => {
    requireFixtureTools(ctx);
    const image = images.get('alpine-legacy')!;
    const layout = await withDisk(image.path, {}, (disk) => listPartitions(disk));
    expect(layout).toEqual({
      table: 'none',
      capacity: image.size,
      partitions: [{ index: 0, offset: 0, size: image.size, type: null }],
    });
    const files = await withDisk(image.path, {}, async (disk) =>
      listBootFiles(disk, await findBootPartition(disk)),
    );
    expect(files.map((f) => (f.isDirectory ? `${f.name}/` : f.name))).toEqual([
      'cmdline.txt',
      'config.txt',
      '.alpine-release',
      'apks/',
      'boot/',
      'start4.elf',
    ]);
  });

  it('lists boot files with their long names, sizes and folders (recursive)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = images.get('raspios-trixie')!;
    const files = await withDisk(image.path, {}, async (disk) =>
      listBootFiles(disk, await findBootPartition(disk), '', { recursive: true }),
    );
    const expected = Object.entries(image.bootFiles).map(([path, content]) => [
      path,
      content.length,
    ]);
    await withDisk(image.path, {}, async (disk) => {
      const boot = await findBootPartition(disk);
      expect(await bootFileExists(disk, boot, 'USER-DATA')).toBe(true); // FAT ignores case
      expect(await bootFileExists(disk, boot, 'overlays')).toBe(false);
      expect(await bootFileExists(disk, boot, 'start4.elf/x')).toBe(false);
    });
    expect(files.filter((f) => !f.isDirectory).map((f) => [f.path, f.size])).toEqual(expected);
  });

  it('numbers partitions as Linux does when an MBR slot is empty', async (ctx) => {
    requireFixtureTools(ctx);
    const path = join(dir, 'slot2-only.img');
    await copyFile(images.get('raspios-bookworm')!.path, path);
    await run('sfdisk', ['--quiet', '--delete', path, '1']);
    const layout = await withDisk(path, {}, listPartitions);
    expect(layout.partitions).toEqual([
      { index: 2, offset: 90112 * 512, size: 32768 * 512, type: 0x83 },
    ]);
    expect((await sfdiskPartitions(path)).partitions).toEqual([
      expect.objectContaining({ node: `${path}2`, start: 90112 }),
    ]);
  });

  it('a FAT filesystem in a partition typed Linux is still found (type is only a hint)', async (ctx) => {
    requireFixtureTools(ctx);
    const path = join(dir, 'retyped.img');
    await copyFile(images.get('alpine')!.path, path);
    await run('sfdisk', ['--quiet', '--part-type', path, '1', '83']);
    const boot = await withDisk(path, {}, (disk) => findBootPartition(disk));
    expect(boot).toMatchObject({ index: 1, label: 'PIBOOT', fatType: 16 });
  });

  it('errors: empty, random bytes, truncated, compressed, missing, a folder, no FAT', async (ctx) => {
    requireFixtureTools(ctx);
    const empty = join(dir, 'empty.img');
    await writeFile(empty, '');
    await expectDiskError(withDisk(empty, {}, listPartitions), 'empty', /empty \(0 bytes\)/);

    await expectDiskError(
      withDisk(images.get('not-a-disk')!.path, {}, listPartitions),
      'not-a-disk',
      /not a disk image/,
    );
    const tiny = join(dir, 'tiny.img');
    await writeFile(tiny, 'hello');
    await expectDiskError(withDisk(tiny, {}, listPartitions), 'not-a-disk', /not a disk image/);

    // Random bytes that happen to end in 55 AA are still not a partition table.
    const lucky = join(dir, 'lucky.img');
    const bytes = pseudoRandomBytes(4096, 5);
    bytes[446] = 0x7f;
    bytes[510] = 0x55;
    bytes[511] = 0xaa;
    await writeFile(lucky, bytes);
    await expectDiskError(withDisk(lucky, {}, listPartitions), 'not-a-disk', /not a disk image/);

    const cut = join(dir, 'cut.img');
    await copyFile(images.get('raspios-bookworm')!.path, cut);
    await truncate(cut, 50 * 1024 * 1024); // inside the root partition
    await expectDiskError(
      withDisk(cut, {}, listPartitions),
      'truncated',
      /truncated: Partition 2 ends at 60 MiB but the file holds only 50 MiB/,
    );
    const cutFloppy = join(dir, 'cut-floppy.img');
    await copyFile(images.get('alpine-legacy')!.path, cutFloppy);
    await truncate(cutFloppy, 1024 * 1024);
    await expectDiskError(
      withDisk(cutFloppy, {}, listPartitions),
      'truncated',
      /The filesystem ends at 20 MiB/,
    );

    const xz = join(dir, 'image.img');
    await writeFile(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]));
    await expectDiskError(withDisk(xz, {}, listPartitions), 'compressed', /xz-compressed/);

    await expectDiskError(openDisk(join(dir, 'missing.img')), 'not-found', /does not exist/);
    await expectDiskError(openDisk(dir), 'not-a-disk', /is a folder/);

    const noFat = join(dir, 'no-fat.img');
    await writeFile(noFat, '');
    await truncate(noFat, 8 * 1024 * 1024);
    await run('sfdisk', ['--quiet', noFat], { input: 'label: dos\nstart=2048, type=83\n' });
    await expectDiskError(
      withDisk(noFat, {}, (disk) => findBootPartition(disk)),
      'no-boot-partition',
      /No FAT boot partition/,
    );
  });

  it('recognises compression formats by their magic bytes', () => {
    expect(compressionOf(Buffer.from([0x1f, 0x8b, 8]))).toBe('gzip');
    expect(compressionOf(Buffer.from('PK\x03\x04', 'latin1'))).toBe('zip');
    expect(compressionOf(Buffer.from('BZh9', 'latin1'))).toBe('bzip2');
    expect(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe('zstd');
    expect(compressionOf(Buffer.alloc(16))).toBeNull();
  });

  it('opening read-only never changes the image: writes stay in memory', async (ctx) => {
    requireFixtureTools(ctx);
    const image = images.get('ubuntu')!;
    const before = await run('sha256sum', [image.path]);
    const opened = await openDisk(image.path);
    try {
      expect(opened.writable).toBe(false);
      expect(opened.blockDevice).toBe(false);
      const data = Buffer.from('scribble');
      await opened.disk.write(data, 0, data.length, 0);
      const back = Buffer.alloc(data.length);
      await opened.disk.read(back, 0, back.length, 0);
      expect(back).toEqual(data); // the write is visible to this Disk only
    } finally {
      await opened.close();
    }
    expect(await run('sha256sum', [image.path])).toBe(before);
  });
});
