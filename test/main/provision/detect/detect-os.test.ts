import { copyFile, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { detectOs } from '../../../../main/provision/detect';
import { DiskError } from '../../../../main/provision/disk';
import { payloadFormatOf } from '../../../../main/provision/model';
import {
  type FixtureImage,
  fixtureKinds,
  makeFixtureImage,
  missingFixtureTools,
  requireFixtureTools,
  run,
} from '../../../support/fixture-images';
import { hasCommand, isRoot, requirePrerequisites } from '../../../support/prerequisites';

async function detectionError(target: string): Promise<DiskError> {
  const error = await detectOs(target).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiskError);
  return error as DiskError;
}

describe('detectOs', () => {
  let dir: string;
  const images = new Map<string, FixtureImage>();

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-detect-'));
    for (const kind of fixtureKinds) images.set(kind, await makeFixtureImage(kind, dir));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const expectations = {
    'raspios-bookworm': {
      index: 1,
      sector: 8192,
      fatType: 32,
      label: 'bootfs',
      id: 'debian',
      codename: 'bookworm',
    },
    'raspios-trixie': {
      index: 1,
      sector: 16384,
      fatType: 16,
      label: 'bootfs',
      id: 'debian',
      codename: 'trixie',
    },
    ubuntu: {
      index: 1,
      sector: 2048,
      fatType: 32,
      label: 'system-boot',
      id: 'ubuntu',
      codename: 'noble',
    },
    hypriot: {
      index: 1,
      sector: 2048,
      fatType: 16,
      label: 'HypriotOS',
      id: 'raspbian',
      codename: 'buster',
    },
    alpine: {
      index: 1,
      sector: 2048,
      fatType: 16,
      label: 'PIBOOT',
      id: undefined,
      codename: undefined,
    },
    'alpine-legacy': {
      index: 0,
      sector: 0,
      fatType: 16,
      label: null,
      id: undefined,
      codename: undefined,
    },
  } as const;

  for (const [kind, want] of Object.entries(expectations)) {
    it(`${kind}: family, format, boot partition and evidence`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = images.get(kind)!;
      const detected = await detectOs(image.path);
      expect(detected.family).toBe(image.family);
      expect(detected.format).toBe(payloadFormatOf[image.family!]);
      expect(detected.bootPartition).toEqual({
        index: want.index,
        offset: want.sector * 512,
        size: image.boot!.size,
        fatType: want.fatType,
        label: want.label,
      });
      if (want.id) {
        expect(detected.osRelease).toMatchObject({ id: want.id, versionCodename: want.codename });
        expect(detected.evidence).toContain(
          `os-release on partition 2: ID=${want.id} VERSION_CODENAME=${want.codename}`,
        );
      } else {
        expect(detected.osRelease).toBeNull();
      }
      if (want.label) expect(detected.evidence).toContain(`label "${want.label}"`);
      expect(detected.evidence.some((e) => e.startsWith('boot files: cmdline.txt'))).toBe(true);
    });
  }

  it('trixie evidence names user-data; bookworm evidence says there is none', async (ctx) => {
    requireFixtureTools(ctx);
    expect((await detectOs(images.get('raspios-trixie')!.path)).evidence).toContain(
      'user-data present (cloud-init)',
    );
    expect((await detectOs(images.get('raspios-bookworm')!.path)).evidence).toContain(
      'no user-data',
    );
  });

  it('never decides from the file name', async (ctx) => {
    requireFixtureTools(ctx);
    const misnamed = join(dir, 'ubuntu-22.04-preinstalled-server-arm64+raspi.img');
    await copyFile(images.get('hypriot')!.path, misnamed);
    expect((await detectOs(misnamed)).family).toBe('hypriot');
    const noExtension = join(dir, 'raspios-trixie');
    await copyFile(images.get('raspios-bookworm')!.path, noExtension);
    expect((await detectOs(noExtension)).family).toBe('raspios-bookworm');
  });

  it('works on GPT images and on old Raspberry Pi OS labelled "boot"', async (ctx) => {
    requireFixtureTools(ctx);
    const gpt = await makeFixtureImage('ubuntu', dir, {
      partitionTable: 'gpt',
      fileName: 'gpt.img',
    });
    const detected = await detectOs(gpt.path);
    expect(detected.family).toBe('ubuntu');
    expect(detected.evidence[0]).toMatch(/^GPT partition table; boot partition 1 at 1 MiB, FAT32$/);
    const old = await makeFixtureImage('raspios-bookworm', dir, {
      bootLabel: 'boot',
      fileName: 'old.img',
    });
    expect((await detectOs(old.path)).family).toBe('raspios-bookworm');
  });

  it('reads only: the image is byte-for-byte unchanged (ext2fs mounts copy-on-write)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = images.get('ubuntu')!;
    const before = await run('sha256sum', [image.path]);
    await detectOs(image.path);
    expect(await run('sha256sum', [image.path])).toBe(before);
  });

  it('unknown image: lists partitions, labels and files, and the supported families', async (ctx) => {
    requireFixtureTools(ctx);
    const error = await detectionError(images.get('unknown')!.path);
    expect(error.problem).toBe('unrecognised-os');
    expect(error.code).toBe('invalid-file');
    expect(error.message).toContain(
      'partition 1 (20 MiB): FAT16, label "DATA", files notes.txt, photos/, backup.zip',
    );
    expect(error.message).toMatch(
      /Supported: Raspberry Pi OS .*Ubuntu Server .*HypriotOS .*Alpine Linux/,
    );
  });

  it('an image without a FAT partition is unrecognised too, naming its ext4 partition', async (ctx) => {
    requireFixtureTools(ctx);
    const path = join(dir, 'rootfs-only.img');
    await copyFile(images.get('raspios-bookworm')!.path, path);
    await run('sfdisk', ['--quiet', '--delete', path, '1']);
    const error = await detectionError(path);
    expect(error.problem).toBe('unrecognised-os');
    expect(error.message).toContain('partition 2 (16 MiB): ext4, label "rootfs"');
  });

  it('not a disk, empty, truncated, compressed: distinct clear errors', async (ctx) => {
    requireFixtureTools(ctx);
    const notADisk = await detectionError(images.get('not-a-disk')!.path);
    expect([notADisk.problem, notADisk.message]).toEqual([
      'not-a-disk',
      expect.stringMatching(/not a disk image/),
    ]);

    const empty = join(dir, 'empty.img');
    await writeFile(empty, '');
    const emptyError = await detectionError(empty);
    expect([emptyError.problem, emptyError.message]).toEqual([
      'empty',
      expect.stringMatching(/empty \(0 bytes\)/),
    ]);

    const cut = join(dir, 'cut.img');
    await copyFile(images.get('ubuntu')!.path, cut);
    await truncate(cut, 10 * 1024 * 1024);
    const cutError = await detectionError(cut);
    expect([cutError.problem, cutError.message]).toEqual([
      'truncated',
      expect.stringMatching(/truncated: Partition 1 ends at 41 MiB but the file holds only 10 MiB/),
    ]);

    const gz = join(dir, 'image.img.gz');
    await run('gzip', ['-k', '-f', images.get('alpine')!.path]);
    await rename(`${images.get('alpine')!.path}.gz`, gz);
    const gzError = await detectionError(gz);
    expect([gzError.problem, gzError.message]).toEqual([
      'compressed',
      expect.stringMatching(/gzip-compressed/),
    ]);

    const missing = await detectionError(join(dir, 'nope.img'));
    expect(missing.problem).toBe('not-found');
    expect(missing.code).toBe('not-found');
  });

  it('detects through a block device (/dev/loopN) too', async (ctx) => {
    requirePrerequisites(ctx, [
      [isRoot(), 'loop devices need root'],
      [hasCommand('losetup'), 'losetup (util-linux) is missing'],
    ]);
    requireFixtureTools(ctx);
    const device = (
      await run('losetup', ['--find', '--show', '--read-only', images.get('raspios-trixie')!.path])
    ).trim();
    try {
      const detected = await detectOs(device);
      expect(detected.family).toBe('raspios-trixie');
      expect(detected.osRelease?.versionCodename).toBe('trixie');
    } finally {
      await run('losetup', ['--detach', device]);
    }
  });
});
