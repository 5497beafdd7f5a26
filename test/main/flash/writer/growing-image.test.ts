import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ImageExtent } from '../../../../main/flash/image/image-extent';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import { type FixtureImage, makeFixtureImage } from '../../../support/fixture-images';
import {
  blankCard,
  expectImageOutsideBoot,
  flashRequest,
  fsckBoot,
  MiB,
  nodePayload,
  phasesOf,
  readBootWithMtools,
  requireLoopDevices,
  writerLab,
} from './writer-fixtures';

/** An extent that counts the reads that had to wait for the image to grow. */
class WatchedExtent extends ImageExtent {
  waited = 0;
  override waitFor(end: number, signal: AbortSignal): Promise<void> {
    if (!this.complete && end > this.available) this.waited++;
    return super.waitFor(end, signal);
  }
}

/**
 * Writes `image` into `path` the way a decompressor does (in order, zeros left as holes), a
 * step at a time, telling `extent` after each step; stops before `stopAt` bytes if given.
 */
async function decompressSlowly(
  image: FixtureImage,
  path: string,
  extent: ImageExtent,
  { step = MiB, stopAt = Infinity } = {},
): Promise<void> {
  const bytes = await readFile(image.path);
  const output = await open(path, 'w');
  try {
    for (let at = 0; at < bytes.length && at + step <= stopAt; at += step) {
      const piece = bytes.subarray(at, Math.min(at + step, bytes.length));
      if (piece.some((b) => b !== 0)) await output.write(piece, 0, piece.length, at);
      const end = at + piece.length;
      if (end < bytes.length) extent.grow(end, false);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    if (stopAt < bytes.length) return;
    await output.truncate(bytes.length);
  } finally {
    await output.close();
  }
  extent.grow(bytes.length, true);
}

// One pass from archive to card: the writer starts while the app still decompresses the image
// and reads each range only once the image reaches past it.
describe('executeFlash from an image still being decompressed', () => {
  const lab = writerLab('growing');
  const { loops } = lab;
  let whole: FixtureImage | null = null;

  /** The image the tests decompress (made once, when the tools are there). */
  async function fixture(): Promise<FixtureImage> {
    whole ??= await makeFixtureImage('raspios-bookworm', lab.dir, { fileName: 'whole.img' });
    return whole;
  }

  async function cardFor(image: FixtureImage, name: string) {
    const device = await loops.attach(await blankCard(join(lab.dir, name), image.size + 4 * MiB));
    return { device, identity: await identifyCard(device) };
  }

  /** A card job on an image decompressed halfway, whose writer already waits for the rest. */
  async function stalledFlash(name: string, signal: AbortSignal) {
    const image = await fixture();
    const { payload } = await nodePayload(lab, image.path, 2);
    const { identity } = await cardFor(image, `${name}-card.img`);
    const growing = join(lab.dir, `${name}.img`);
    const extent = new WatchedExtent(image.size);
    await decompressSlowly(image, growing, extent, { stopAt: image.size / 2 });
    const flashing = executeFlash(
      { ...flashRequest(growing, identity, payload), imageGrowing: { size: image.size } },
      () => {},
      signal,
      { imageExtent: extent },
    );
    flashing.catch(() => {}); // awaited by the test
    await expect.poll(() => extent.waited, { timeout: 20_000 }).toBeGreaterThan(0);
    return { extent, flashing };
  }

  it('writes, verifies and configures the card, waiting for each range it reads', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await fixture();
    const { payload } = await nodePayload(lab, image.path, 1);
    const { device, identity } = await cardFor(image, 'card.img');
    const growing = join(lab.dir, 'growing.img');
    await rm(growing, { force: true });
    await (await open(growing, 'w')).close();
    const extent = new WatchedExtent(image.size);
    const events: FlashProgress[] = [];
    const flashing = executeFlash(
      { ...flashRequest(growing, identity, payload), imageGrowing: { size: image.size } },
      (p) => events.push(p),
      new AbortController().signal,
      { imageExtent: extent },
    );
    // The writer is asked before the image has begun: its first read waits.
    const decompressing = expect
      .poll(() => extent.waited, { timeout: 20_000 })
      .toBeGreaterThan(0)
      .then(() => decompressSlowly(image, growing, extent));
    const [result] = await Promise.all([flashing, decompressing]);

    // How much overlaps depends on where the image keeps what configuring reads (an ext4
    // journal sits mid-filesystem); the benchmark measures it. Here: reads waited, and were right.
    expect(extent.waited, 'reads waited for the image').toBeGreaterThan(1);
    expect(result).toMatchObject({ verified: true, ejected: false });
    expect(await loops.written(device)).toBe(result.bytesWritten);
    expect(phasesOf(events)).toEqual([
      'checking',
      'configuring',
      'writing',
      'verifying',
      'reading-back',
      'ejecting',
    ]);
    // A read that ran ahead would have found holes (zeros) where the image has data.
    await expectImageOutsideBoot(device, image, lab.dir);
    const onCard = await readBootWithMtools(device, image.boot!.offset, lab.dir);
    for (const file of payload.files) {
      expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
    }
    expect((await fsckBoot(device, image.boot!, lab.dir)).code).toBe(0);
  }, 60_000);

  it('a cancel while the writer waits for the image ends the job', async (ctx) => {
    requireLoopDevices(ctx);
    const cancel = new AbortController();
    const { flashing } = await stalledFlash('stalled', cancel.signal);
    cancel.abort();
    await expect(flashing).rejects.toMatchObject({ code: 'unavailable', message: 'Cancelled' });
  }, 60_000);

  it('an image that does not grow as announced fails the card with that reason', async (ctx) => {
    requireLoopDevices(ctx);
    const { extent, flashing } = await stalledFlash('short', new AbortController().signal);
    extent.grow(extent.available, true); // "complete", half its size
    const error = await flashing.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'internal' });
    expect((error as Error).message).toMatch(/did not grow as announced \(it ended at \d+ bytes/);
  }, 60_000);

  it('the request and the writer must agree on whether the image is growing', async () => {
    const identity = { device: '/dev/null', size: 1, serial: null, firstMiBSha256: '0'.repeat(64) };
    const payload = { family: 'ubuntu' as const, files: [], edits: [] };
    const image = { path: join(lab.dir, 'never-read.img'), size: 4 * MiB };
    await expect(
      executeFlash(
        { ...flashRequest(image.path, identity, payload), imageGrowing: { size: image.size } },
        () => {},
        new AbortController().signal,
      ),
    ).rejects.toThrow('was not told how far it is');
    await expect(
      executeFlash(
        flashRequest(image.path, identity, payload),
        () => {},
        new AbortController().signal,
        { imageExtent: new ImageExtent(image.size) },
      ),
    ).rejects.toThrow('names a complete image');
  });
});
