import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  applyBootPayload,
  DiskError,
  findBootPartition,
  openDisk,
  readBackPayload,
} from '../../../../main/provision/disk';
import { type BootPayload, cgroupKernelArgs } from '../../../../main/provision/model';
import {
  fsckFat,
  makeFixtureImage,
  missingFixtureTools,
  mtoolsRead,
  requireFixtureTools,
  run,
} from '../../../support/fixture-images';
import { hasCommand, isRoot, requirePrerequisites } from '../../../support/prerequisites';

/** Attaches `image` to a free loop device for the duration of `fn`; always detaches. */
async function withLoopDevice<T>(
  image: string,
  options: string[],
  fn: (device: string) => Promise<T>,
): Promise<T> {
  const device = (await run('losetup', [...options, '--find', '--show', image])).trim();
  try {
    return await fn(device);
  } finally {
    await run('losetup', ['--detach', device]);
  }
}

const payload: BootPayload = {
  family: 'raspios-bookworm',
  files: [
    { path: 'firstrun.sh', content: Buffer.from('#!/bin/bash\nset -e\necho hello\n') },
    { path: 'kubeflash/node.env', content: Buffer.from('NODE_NAME=rpi-kube-master-01\n') },
  ],
  edits: [{ path: 'cmdline.txt', ensure: cgroupKernelArgs, remove: [] }],
};

describe('a real block device (loop device)', () => {
  let dir: string;

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-loop-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function requireLoop(ctx: Parameters<typeof requireFixtureTools>[0]): void {
    requirePrerequisites(ctx, [
      [isRoot(), 'loop devices need root'],
      [hasCommand('losetup'), 'losetup (util-linux) is missing'],
    ]);
    requireFixtureTools(ctx);
  }

  it('opens /dev/loopN as a block device of the image size and finds its boot partition', async (ctx) => {
    requireLoop(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'open.img' });
    await withLoopDevice(image.path, [], async (device) => {
      expect(device).toMatch(/^\/dev\/loop\d+$/);
      const opened = await openDisk(device);
      try {
        expect(opened.blockDevice).toBe(true);
        expect(opened.capacity).toBe(image.size);
        expect(await findBootPartition(opened.disk)).toMatchObject({
          offset: 8192 * 512,
          fatType: 32,
          label: 'bootfs',
        });
      } finally {
        await opened.close();
      }
    });
  });

  it('applies a payload through /dev/loopN; the image file then reads back clean', async (ctx) => {
    requireLoop(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'apply.img' });
    await withLoopDevice(image.path, [], async (device) => {
      const result = await applyBootPayload(device, payload);
      expect(result.written.map((w) => w.path)).toEqual([
        'firstrun.sh',
        'kubeflash/node.env',
        'cmdline.txt',
      ]);
      expect(await readBackPayload(device, payload)).toEqual([]);
    });
    // Detached: what reached the backing file, read by other tools.
    for (const file of payload.files) {
      expect(await mtoolsRead(image.path, image.boot!.offset, file.path)).toEqual(
        Buffer.from(file.content),
      );
    }
    const cmdline = (await mtoolsRead(image.path, image.boot!.offset, 'cmdline.txt')).toString();
    expect(cmdline).toMatch(
      / rootwait quiet init=\S+ cgroup_enable=cpuset cgroup_enable=memory cgroup_memory=1\n$/,
    );
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('refuses a read-only card with a clear error and changes nothing', async (ctx) => {
    requireLoop(ctx);
    const image = await makeFixtureImage('ubuntu', dir, { fileName: 'locked.img' });
    const before = await run('sha256sum', [image.path]);
    await withLoopDevice(image.path, ['--read-only'], async (device) => {
      const error = await applyBootPayload(device, { ...payload, family: 'ubuntu' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DiskError);
      expect((error as DiskError).problem).toBe('read-only');
      expect((error as DiskError).message).toMatch(/read-only\. Slide the card's lock switch/);
    });
    expect(await run('sha256sum', [image.path])).toBe(before);
  });
});
