import { copyFile, mkdir, mkdtemp, opendir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import { checkTarget } from '../../../../main/flash/writer/check-target';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import type { CardIdentity, FlashProgress } from '../../../../main/flash/writer/protocol';
import { mountsOf, readTargetInfo } from '../../../../main/flash/writer/target-info';
import type { BootPayload } from '../../../../main/provision/model';
import {
  type FixtureImage,
  makeFixtureImage,
  missingFixtureTools,
  run,
} from '../../../support/fixture-images';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import {
  blankCard,
  flashRequest,
  LoopDevices,
  MiB,
  nodePayload,
  requireLoopDevices,
  sha256File,
  testCluster,
} from './writer-fixtures';

// Every refusal happens before the first byte is written: the target's content (sha256 of its
// backing file) and the kernel's write counter are the same afterwards.
describe('executeFlash refuses what it must not write', () => {
  let dir: string;
  let image: FixtureImage;
  let payload: BootPayload;
  const loops = new LoopDevices();
  const mounted: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-refuse-'));
    if (missingFixtureTools().length > 0) return;
    image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'image.img' });
    ({ payload } = await nodePayload(await testCluster(), image.path, 1));
  }, 60_000);
  afterEach(async () => {
    for (const point of mounted.splice(0)) await run('umount', [point]);
    await loops.detachAll();
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs a flash that must fail before writing; returns its error. */
  async function refused(card: CardIdentity, backing: string | null, imagePath = image.path) {
    const before = backing ? await sha256File(backing) : null;
    const phases: FlashProgress['phase'][] = [];
    const error = await executeFlash(
      flashRequest(imagePath, card, payload),
      (p) => phases.push(p.phase),
      new AbortController().signal,
    ).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect(new Set(phases)).toEqual(new Set(['checking']));
    if (backing) expect(await sha256File(backing)).toBe(before);
    if (loops.attached.has(card.device)) expect(await loops.written(card.device)).toBe(0);
    return error as KubeflashError;
  }

  it('a read-only card (losetup -r: the lock switch)', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'ro.img'), image.size + MiB);
    const device = await loops.attach(card, ['--read-only']);
    const error = await refused(await identifyCard(device), card);
    expect(error.code).toBe('permission-denied');
    expect(error.message).toContain(`${device} is read-only`);
    expect(error.message).toMatch(/lock switch/);
  });

  it('a card smaller than the image, naming both sizes', async (ctx) => {
    requireLoopDevices(ctx);
    const small = image.size - 8 * MiB;
    const card = await blankCard(join(dir, 'small.img'), small);
    const device = await loops.attach(card);
    const error = await refused(await identifyCard(device), card);
    expect(error.code).toBe('invalid-request');
    expect(error.message).toBe(
      `The image (61.0 MiB, ${image.size} bytes) is larger than the card in ${device} (53.0 MiB, ${small} bytes). Use a card of at least 61.0 MiB.`,
    );
  });

  it('another card in the same slot: same size and content, different card (serial)', async (ctx) => {
    requireLoopDevices(ctx);
    const first = await blankCard(join(dir, 'first.img'), image.size + MiB);
    const second = join(dir, 'second.img');
    await copyFile(first, second); // identical bytes: only the identity of the card differs
    const device = await loops.attach(first);
    const selected = await identifyCard(device);
    await loops.detach(device);
    await loops.attachAt(device, second);
    const error = await refused(selected, second);
    expect(error.code).toBe('invalid-request');
    expect(error.message).toBe(
      `The card in ${device} is not the one you selected (its serial number changed). Nothing was written. Select the card again to flash this one.`,
    );
    expect(await sha256File(first)).toBe(await sha256File(second));
  });

  it('a card whose first MiB changed since it was selected', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'changed.img'), image.size + MiB);
    const device = await loops.attach(card);
    const selected = { ...(await identifyCard(device)), firstMiBSha256: 'f'.repeat(64) };
    const error = await refused(selected, card);
    expect(error.message).toMatch(/not the one you selected \(its content changed\)/);
  });

  it('a card of another size in the slot', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'resized.img'), image.size + MiB);
    const device = await loops.attach(card);
    const selected = { ...(await identifyCard(device)), size: image.size + 2 * MiB };
    const error = await refused(selected, card);
    expect(error.message).toMatch(/its size changed/);
  });

  it('a mounted card that cannot be unmounted (a file on it is open)', async (ctx) => {
    requireLoopDevices(ctx);
    requirePrerequisite(ctx, hasCommand('partx'), 'partx (util-linux) is missing');
    const card = join(dir, 'mounted.img');
    await copyFile(image.path, card);
    const device = await loops.attach(card, ['--partscan']);
    await run('partx', ['--update', device]).catch(() => run('partx', ['--add', device]));
    const root = `${device}p2`;
    await expect
      .poll(() =>
        stat(root).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    const point = join(dir, 'mnt');
    await mkdir(point, { recursive: true });
    await run('mount', ['-t', 'ext4', '-o', 'ro,noload', root, point]);
    mounted.push(point);
    const busy = await opendir(point); // keeps the mount busy: umount fails
    const info = await readTargetInfo(device);
    expect(info.partitions.map((p) => p.name)).toContain(`${device.slice(5)}p2`);
    try {
      const error = await refused(await identifyCard(device), card);
      expect(error.code).toBe('invalid-request');
      expect(error.message).toBe(
        `${device} is mounted at ${point} and could not be unmounted (files on it are open?). Close them or eject it in your file manager, then flash again.`,
      );
    } finally {
      await busy.close();
    }
  });

  it('unmounts an auto-mounted card before writing it', async (ctx) => {
    requireLoopDevices(ctx);
    requirePrerequisite(ctx, hasCommand('partx'), 'partx (util-linux) is missing');
    const card = join(dir, 'automounted.img');
    await copyFile(image.path, card);
    const device = await loops.attach(card, ['--partscan']);
    await run('partx', ['--update', device]).catch(() => run('partx', ['--add', device]));
    const root = `${device}p2`;
    await expect
      .poll(() =>
        stat(root).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    const point = join(dir, 'mnt-auto');
    await mkdir(point, { recursive: true });
    await run('mount', ['-t', 'ext4', '-o', 'ro,noload', root, point]);
    mounted.push(point);
    const info = await readTargetInfo(device);
    await checkTarget(image.path, await identifyCard(device));
    expect(await mountsOf(info)).toEqual([]);
    mounted.splice(mounted.indexOf(point), 1);
  });

  it('recognises a mount through another name for the same device (fake mounts table)', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'alias.img'), 4 * MiB);
    const device = await loops.attach(card);
    const info = await readTargetInfo(device);
    const alias = join(dir, 'alias-node');
    const major = Math.floor(info.rdev / 256) & 0xfff;
    const minor = info.rdev & 0xff;
    await run('mknod', [alias, 'b', String(major), String(minor)]);
    const mounts = join(dir, 'mounts');
    await writeFile(
      mounts,
      `proc /proc proc rw 0 0\n${alias} /media/my\\040card vfat rw 0 0\n/dev/vda / ext4 rw 0 0\n`,
    );
    expect(await mountsOf(info, mounts)).toEqual(['/media/my card']);
    await writeFile(mounts, 'proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\n');
    expect(await mountsOf(info, mounts)).toEqual([]);
  });

  it('a partition instead of the whole card', async (ctx) => {
    requireLoopDevices(ctx);
    requirePrerequisite(ctx, hasCommand('partx'), 'partx (util-linux) is missing');
    const card = join(dir, 'partition.img');
    await copyFile(image.path, card);
    const device = await loops.attach(card, ['--partscan']);
    await run('partx', ['--update', device]).catch(() => run('partx', ['--add', device]));
    const partition = `${device}p1`;
    await expect
      .poll(() =>
        stat(partition).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    const error = await identifyCard(partition).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-request' });
    expect((error as Error).message).toContain('is a partition');
  });

  it('an image that is gone from the cache', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'noimage.img'), image.size + MiB);
    const device = await loops.attach(card);
    const error = await refused(await identifyCard(device), card, join(dir, 'missing.img'));
    expect(error.code).toBe('not-found');
    expect(error.message).toMatch(/gone from the cache/);
  });

  it('a card that is not there', async () => {
    const error = await identifyCard(join(dir, 'no-such-device')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'not-found' });
    expect((error as Error).message).toMatch(/insert the card again/);
  });
});
