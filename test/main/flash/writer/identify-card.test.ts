import { createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { identifyCard } from '../../../../main/flash/writer/identify-card';
import { pseudoRandomBytes } from '../../../support/fixture-images';
import { blankCard, LoopDevices, MiB, readRange, requireLoopDevices } from './writer-fixtures';

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('identifyCard', () => {
  let dir: string;
  const loops = new LoopDevices();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-identify-'));
  });
  afterEach(async () => {
    await loops.detachAll();
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a loop device: its size, its backing file and inode as serial, the sha256 of its first MiB', async (ctx) => {
    requireLoopDevices(ctx);
    const card = await blankCard(join(dir, 'card.img'), 8 * MiB);
    await writeFile(card, pseudoRandomBytes(2 * MiB, 3), { flag: 'r+' });
    const device = await loops.attach(card);
    const { dev, ino } = await stat(card);
    expect(await identifyCard(device)).toEqual({
      device,
      size: 8 * MiB,
      serial: `loop:${card}:${dev}:${ino}`,
      firstMiBSha256: sha256(await readRange(card, 0, MiB)),
    });

    // Another file attached to the same device is another card, even with the same bytes.
    const other = join(dir, 'other.img');
    await writeFile(other, await readRange(card, 0, 8 * MiB));
    await loops.detach(device);
    await loops.attachAt(device, other);
    const again = await identifyCard(device);
    expect(again.firstMiBSha256).toBe(sha256(await readRange(card, 0, MiB)));
    expect(again.serial).toBe(`loop:${other}:${dev}:${(await stat(other)).ino}`);
  });

  it('an image file smaller than a MiB: all of it is hashed, no serial', async () => {
    const bytes = pseudoRandomBytes(4096, 9);
    const file = join(dir, 'small.img');
    await writeFile(file, bytes);
    expect(await identifyCard(file)).toEqual({
      device: file,
      size: 4096,
      serial: null,
      firstMiBSha256: sha256(bytes),
    });
  });

  it('refuses what is not a disk', async () => {
    await expect(identifyCard('/dev/null')).rejects.toMatchObject({
      code: 'invalid-request',
      message: "/dev/null is neither a disk nor an image file: choose a card reader's device.",
    });
    await expect(identifyCard(dir)).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(identifyCard(join(dir, 'empty.img'))).rejects.toMatchObject({
      code: 'not-found',
    });
    await writeFile(join(dir, 'empty.img'), '');
    await expect(identifyCard(join(dir, 'empty.img'))).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringMatching(/reports no capacity/),
    });
  });
});
