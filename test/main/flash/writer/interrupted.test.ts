import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import type { BootPayload } from '../../../../main/provision/model';
import {
  type FixtureImage,
  makeFixtureImage,
  missingFixtureTools,
  mtoolsEnv,
  pseudoRandomBytes,
  run,
} from '../../../support/fixture-images';
import {
  blankCard,
  flashRequest,
  fsckBoot,
  LoopDevices,
  MiB,
  nodePayload,
  requireLoopDevices,
  sha256File,
  testCluster,
} from './writer-fixtures';

// Writes that stop part way: a card pulled out (imitated by a loop device over a sparse file on
// a tmpfs that is too small, so the kernel really fails the write with ENOSPC part way) and a
// job cancelled by the user. Both must end in one clean error, with nothing left dangling.
describe('interrupted flashes', () => {
  let dir: string;
  let image: FixtureImage;
  let payload: BootPayload;
  const loops = new LoopDevices();
  const mounted: string[] = [];
  const stray: unknown[] = [];
  const onStray = (error: unknown) => stray.push(error);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-pulled-'));
    process.on('unhandledRejection', onStray);
    process.on('uncaughtException', onStray);
    if (missingFixtureTools().length === 0) {
      image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'big.img' });
      // 30 MiB of data that trim cannot leave out: the write takes a while and needs room.
      const big = join(dir, 'big.bin');
      await writeFile(big, pseudoRandomBytes(30 * MiB, 7));
      await run('mcopy', ['-i', `${image.path}@@${image.boot!.offset}`, big, '::/big.bin'], {
        env: mtoolsEnv,
      });
      ({ payload } = await nodePayload(await testCluster(), image.path, 1));
    }
  }, 60_000);
  afterEach(async () => {
    try {
      await loops.detachAll();
    } finally {
      for (const point of mounted.splice(0)) await run('umount', [point]);
    }
  });
  afterAll(async () => {
    process.off('unhandledRejection', onStray);
    process.off('uncaughtException', onStray);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a card pulled mid-write (ENOSPC part way) fails cleanly and says to flash again', async (ctx) => {
    requireLoopDevices(ctx);
    const small = join(dir, 'tmpfs');
    await mkdir(small, { recursive: true });
    await run('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', small]);
    mounted.push(small);
    // The card claims the full size; only 24 MiB of it can really be stored.
    const card = await blankCard(join(small, 'card.img'), image.size + MiB);
    const device = await loops.attach(card);
    const events: FlashProgress[] = [];
    const error = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      (p) => events.push(p),
      new AbortController().signal,
    ).then(
      () => null,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(KubeflashError);
    const { code, message, subject } = error as KubeflashError;
    expect(code).toBe('unavailable');
    expect(subject).toBe(device);
    expect(message).toMatch(
      new RegExp(
        `^Writing ${device} failed part way \\((ENOSPC|EIO)\\): .*flash this node again\\.$`,
      ),
    );
    expect(events.some((e) => e.phase === 'writing')).toBe(true);
    expect(events.some((e) => e.phase === 'reading-back')).toBe(false);
    // Part way: some of it reached the card, not all of it.
    const written = await loops.written(device);
    expect(written).toBeGreaterThan(4 * MiB);
    expect(written).toBeLessThan(30 * MiB);

    // Nothing escapes afterwards (streams of the failed job closing late), and the device is
    // free again: another flash can open it exclusively right away.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stray).toEqual([]);
    const again = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      () => {},
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'unavailable' }); // still too little room: fails again
  }, 60_000);

  it('cancelled mid-write: stops at the next chunk with "Cancelled" and releases the card', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'cancel.img'), image.size + MiB);
    const device = await loops.attach(card);
    const controller = new AbortController();
    const events: FlashProgress[] = [];
    const error = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      (p) => {
        events.push(p);
        if (p.phase === 'writing') controller.abort();
      },
      controller.signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable', message: 'Cancelled', subject: device });
    expect(events.some((e) => e.phase === 'verifying')).toBe(false);
    expect(await loops.written(device)).toBeLessThan(30 * MiB);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stray).toEqual([]);

    // The same card flashes fine afterwards (no handle was left open).
    const result = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      () => {},
      new AbortController().signal,
    );
    expect(result.verified).toBe(true);
    expect(result.bytesWritten).toBeGreaterThan(30 * MiB);
    expect((await fsckBoot(device, image.boot!, dir)).code).toBe(0);
  }, 60_000);

  it('cancelled before it started: nothing is written', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'early.img'), image.size + MiB);
    const device = await loops.attach(card);
    const before = await sha256File(card);
    const controller = new AbortController();
    controller.abort();
    const error = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      () => {},
      controller.signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Cancelled' });
    expect(await loops.written(device)).toBe(0);
    expect(await sha256File(card)).toBe(before);
  });
});
