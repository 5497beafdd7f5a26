import { execFileSync } from 'node:child_process';
import { copyFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { payloadMessage } from '../../../../main/flash/flash-service';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import { PendingPayload } from '../../../../main/flash/writer/pending-payload';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import {
  type FixtureImage,
  makeFixtureImage,
  run,
  runStatus,
} from '../../../support/fixture-images';
import {
  bootAreaLastPhases,
  expectExt4Clean,
  expectPayloadOnCard,
  flashRequest,
  MiB,
  nodePayload,
  phasesOf,
  readRange,
  requireLoopDevices,
  sameRange,
  writerLab,
} from './writer-fixtures';

/** The first `length` bytes of a device as the device holds them (O_DIRECT: no kernel cache). */
function deviceHead(device: string, length = 64 * 1024): Buffer {
  return execFileSync(
    'dd',
    [`if=${device}`, `bs=${length}`, 'count=1', 'iflag=direct', 'status=none'],
    { maxBuffer: length * 2 },
  );
}

// A card whose payload follows its request (`kubeflash flash` still unlocks the secrets as the
// card starts): everything but the boot area first, with the partition table zeroed, then the
// boot area once the payload came. The card here held another system before, so that what the
// first pass leaves behind is visible.
describe('executeFlash with the payload after the request', () => {
  const lab = writerLab('boot-last');
  const { loops } = lab;
  let image: FixtureImage;
  let older: FixtureImage;

  /** A card that holds an Ubuntu system (another layout), and a Raspberry Pi OS image for it. */
  async function usedCard(name: string) {
    image ??= await makeFixtureImage('raspios-bookworm', lab.dir, { fileName: 'raspios.img' });
    older ??= await makeFixtureImage('ubuntu', lab.dir, { fileName: 'older.img' });
    const card = join(lab.dir, `${name}-card.img`);
    await copyFile(older.path, card);
    await truncate(card, Math.max(image.size, older.size) + 4 * MiB);
    const device = await loops.attach(card);
    expect(await run('blkid', ['-p', '-o', 'value', '-s', 'PTTYPE', device])).toContain('dos');
    return { device, identity: await identifyCard(device) };
  }

  /** Starts the job; resolves when the writer waits for the payload (the first pass is done). */
  async function startWithoutPayload(name: string, signal: AbortSignal) {
    const { device, identity } = await usedCard(name);
    const { payload, hostname } = await nodePayload(lab, image.path, 1);
    const pending = new PendingPayload();
    const events: FlashProgress[] = [];
    let waiting!: () => void;
    const configuring = new Promise<void>((resolve) => (waiting = resolve));
    const flashing = executeFlash(
      flashRequest(image.path, identity, null),
      (p) => {
        events.push(p);
        if (p.phase === 'configuring') waiting();
      },
      signal,
      { payload: pending },
    );
    flashing.catch(() => {}); // awaited by the test
    await Promise.race([configuring, flashing]);
    return { device, payload, hostname, pending, events, flashing };
  }

  it('until the payload comes the card has no partition table; then it is whole and configured', async (ctx) => {
    requireLoopDevices(ctx);
    const job = await startWithoutPayload('whole', new AbortController().signal);
    expect(phasesOf(job.events)).toEqual(['checking', 'writing', 'verifying', 'configuring']);

    // First pass: no partition table (zeros), the system after the boot area written already.
    const head = deviceHead(job.device);
    expect(head.equals(Buffer.alloc(head.length)), 'partition table zeroed').toBe(true);
    const blkid = await runStatus('blkid', ['-p', '-o', 'value', '-s', 'PTTYPE', job.device]);
    expect(blkid.stdout.trim()).toBe('');
    const boot = image.boot!;
    const root = image.partitions.find((p) => p.filesystem === 'ext4')!;
    // The root filesystem's first MiB (superblock, group descriptors) is the image's.
    expect(await sameRange(job.device, image.path, root.offset, root.offset + MiB)).toBe(true);

    job.pending.deliver(payloadMessage(job.payload));
    const result = await job.flashing;
    expect(result).toMatchObject({ verified: true, ejected: false });
    expect(phasesOf(job.events)).toEqual(bootAreaLastPhases);
    // Whole: the image's table and system, this node's boot files, a clean FAT and ext4.
    expect(deviceHead(job.device, 512)).toEqual(await readRange(image.path, 0, 512));
    const onCard = await expectPayloadOnCard(job.device, boot, job.payload, lab.dir);
    expect([...onCard.values()].map((b) => b.toString('latin1')).join('\n')).toContain(
      job.hostname,
    );
    await expectExt4Clean(job.device, root, join(lab.dir, 'whole-root.img'));
  }, 60_000);

  it('cancelled while it waits for the payload, the card is left without a partition table', async (ctx) => {
    requireLoopDevices(ctx);
    const cancel = new AbortController();
    const job = await startWithoutPayload('cancelled', cancel.signal);
    cancel.abort();
    await expect(job.flashing).rejects.toThrow('Cancelled');
    // Neither the older system nor a half-written one can boot from it.
    const head = deviceHead(job.device);
    expect(head.equals(Buffer.alloc(head.length))).toBe(true);
    const blkid = await runStatus('blkid', ['-p', '-o', 'value', '-s', 'PTTYPE', job.device]);
    expect(blkid.stdout.trim()).toBe('');
  }, 60_000);

  it('a payload for another OS family than the image holds fails the card before its boot area', async (ctx) => {
    requireLoopDevices(ctx);
    const job = await startWithoutPayload('wrong-family', new AbortController().signal);
    job.pending.deliver({ ...payloadMessage(job.payload), family: 'windows' });
    await expect(job.flashing).rejects.toThrow(/Unknown OS family windows/);
    const head = deviceHead(job.device);
    expect(head.equals(Buffer.alloc(head.length))).toBe(true);
  }, 60_000);
});
