import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { Drive } from '../../../common/drives';
import { listDrives } from '../../../main/flash/drives';
import { listLoopDevices } from '../../../main/flash/loop-devices';
import { hasCommand, isRoot, requirePrerequisites } from '../../support/prerequisites';

describe('listLoopDevices on a fake sysfs', () => {
  let root: string;
  let mountsFile: string;

  async function fakeLoop(
    name: string,
    files: { size?: string; ro?: string; backing?: string | null },
  ): Promise<void> {
    const dir = join(root, 'block', name);
    await mkdir(join(dir, 'loop'), { recursive: true });
    if (files.size !== undefined) await writeFile(join(dir, 'size'), files.size);
    if (files.ro !== undefined) await writeFile(join(dir, 'ro'), files.ro);
    if (files.backing) await writeFile(join(dir, 'loop', 'backing_file'), files.backing);
  }

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'kubeflash-sysfs-'));
    mountsFile = join(root, 'mounts');
    await fakeLoop('loop0', { size: '131072\n', ro: '0\n', backing: '/images/card.img\n' });
    await fakeLoop('loop1', { size: '0\n', ro: '0\n', backing: null }); // not attached
    await fakeLoop('loop2', { size: '2048\n', ro: '1\n', backing: '/images/ro image.img\n' });
    await fakeLoop('loop10', { size: '8\n', ro: '0\n', backing: '/images/ten.img\n' });
    await mkdir(join(root, 'block', 'sda'), { recursive: true }); // not a loop device
    await mkdir(join(root, 'block', 'loopback'), { recursive: true }); // nor this
    await writeFile(
      mountsFile,
      [
        'proc /proc proc rw,nosuid 0 0',
        '/dev/loop0p1 /mnt/with\\040space vfat rw,relatime 0 0',
        '/dev/loop0p2 /mnt/root ext4 rw 0 0',
        '/dev/loop10 /mnt/ten ext4 ro 0 0',
        '/dev/sda1 / ext4 rw 0 0',
        '',
      ].join('\n'),
    );
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists attached loop devices in numeric order with their details', async () => {
    const drives = await listLoopDevices({ sysRoot: root, mountsFile });
    expect(drives.map((d) => d.device)).toEqual(['/dev/loop0', '/dev/loop2', '/dev/loop10']);
    for (const d of drives) expect(Drive.safeParse(d).success, d.device).toBe(true);

    const [loop0, loop2, loop10] = drives;
    expect(loop0).toMatchObject({
      size: 131072 * 512,
      readOnly: false,
      removable: false,
      system: false,
      loop: true,
    });
    expect(loop0?.description).toContain('/images/card.img');
    expect(loop2).toMatchObject({ size: 2048 * 512, readOnly: true, mountpoints: [] });
    expect(loop2?.description).toContain('/images/ro image.img');
    expect(loop10).toMatchObject({ size: 8 * 512, mountpoints: ['/mnt/ten'] });
  });

  it('skips loop devices without a backing file', async () => {
    const drives = await listLoopDevices({ sysRoot: root, mountsFile });
    expect(drives.some((d) => d.device === '/dev/loop1')).toBe(false);
  });

  it('maps partition mounts to the device and unescapes octal escapes', async () => {
    const [loop0] = await listLoopDevices({ sysRoot: root, mountsFile });
    expect(loop0?.mountpoints).toEqual(['/mnt/with space', '/mnt/root']);
  });

  it('does not confuse /dev/loop1 with /dev/loop10', async () => {
    await fakeLoop('loop1', { size: '8', ro: '0', backing: '/images/one.img' });
    const drives = await listLoopDevices({ sysRoot: root, mountsFile });
    expect(drives.find((d) => d.device === '/dev/loop1')?.mountpoints).toEqual([]);
    expect(drives.find((d) => d.device === '/dev/loop10')?.mountpoints).toEqual(['/mnt/ten']);
  });

  it('lists nothing without a block folder or mounts file', async () => {
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect(await listLoopDevices({ sysRoot: empty, mountsFile: join(empty, 'none') })).toEqual([]);
    const drives = await listLoopDevices({ sysRoot: root, mountsFile: join(empty, 'none') });
    expect(drives.every((d) => d.mountpoints.length === 0)).toBe(true);
    expect(drives).toHaveLength(3);
  });
});

const losetupReason = 'attaching loop devices needs root and losetup (util-linux)';

function losetup(...args: string[]): string {
  return execFileSync('losetup', args, { encoding: 'utf8' }).trim();
}

function isAttached(device: string): boolean {
  return losetup('--list', '--noheadings', '--output', 'NAME').split('\n').includes(device);
}

describe('loop devices on this machine', () => {
  const canAttach = isRoot() && hasCommand('losetup');
  let dir: string | null = null;
  let image = '';
  let device: string | null = null;

  beforeAll(async () => {
    if (!canAttach) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-loop-'));
    image = join(dir, 'card.img');
    await writeFile(image, '');
    await truncate(image, 64 * 1024 * 1024); // sparse
    device = losetup('--find', '--show', image);
  });

  afterAll(async () => {
    try {
      if (device && isAttached(device)) losetup('--detach', device);
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });

  it('lists an attached loop device from the real /sys', async (ctx) => {
    requirePrerequisites(ctx, [[canAttach, losetupReason]]);
    expect(device).toMatch(/^\/dev\/loop\d+$/);
    const drives = await listLoopDevices();
    const found = drives.find((d) => d.device === device);
    expect(found).toBeDefined();
    expect(found).toMatchObject({ size: 67108864, readOnly: false, loop: true, mountpoints: [] });
    expect(found?.description).toContain(image);
    expect(Drive.safeParse(found).success).toBe(true);
  });

  it('lists loop devices through listDrives only when asked', async (ctx) => {
    requirePrerequisites(ctx, [[canAttach, losetupReason]]);
    const without = await listDrives({ includeLoop: false });
    expect(without.some((d) => d.device === device)).toBe(false);
    expect(without.every((d) => !d.loop)).toBe(true);
    const withLoop = await listDrives({ includeLoop: true });
    expect(withLoop.find((d) => d.device === device)).toMatchObject({ loop: true, size: 67108864 });
    for (const d of withLoop) expect(Drive.safeParse(d).success, d.device).toBe(true);
  });

  it('no longer lists the device once detached', async (ctx) => {
    requirePrerequisites(ctx, [[canAttach, losetupReason]]);
    const attached = device!;
    losetup('--detach', attached);
    try {
      const deadline = Date.now() + 5000;
      while (isAttached(attached) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(isAttached(attached)).toBe(false);
      const drives = await listLoopDevices();
      expect(drives.some((d) => d.device === attached && d.description.includes(image))).toBe(
        false,
      );
    } finally {
      device = null;
    }
  });
});
