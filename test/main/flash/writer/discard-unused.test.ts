import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DiscardReport } from '../../../../main/flash/writer/discard-unused';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import {
  makeFixtureImage,
  pseudoRandomBytes,
  requireFixtureTools,
  run,
  runStatus,
} from '../../../support/fixture-images';
import {
  blankCard,
  flashRequest,
  fsckBoot,
  MiB,
  nodePayload,
  readRange,
  type TestCluster,
  testCluster,
} from './writer-fixtures';

/** A card that was used before: random bytes everywhere. */
async function usedCard(path: string, size: number): Promise<string> {
  await blankCard(path, size);
  const handle = await open(path, 'r+');
  try {
    for (let at = 0; at < size; at += 4 * MiB) {
      await handle.write(randomBytes(Math.min(4 * MiB, size - at)), 0, undefined, at);
    }
  } finally {
    await handle.close();
  }
  return path;
}

// What the writer leaves out besides ext free blocks, on image-file targets (no root needed):
// free FAT clusters and all-zero space between partitions, never partition-table structures
// and never data that is not zero.
describe('space the card does not need is not written', () => {
  let dir: string;
  let lab: TestCluster;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-discard-'));
    lab = await testCluster();
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function flash(imagePath: string, card: string) {
    const { payload } = await nodePayload(lab, imagePath, 1);
    let report: DiscardReport | null = null;
    const result = await executeFlash(
      flashRequest(imagePath, await identifyCard(card), payload),
      () => {},
      new AbortController().signal,
      { onDiscarded: (r) => (report = r) },
    );
    return { result, report: report! };
  }

  it('GPT: both partition tables are written whole over old data, and the card checks clean', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, {
      fileName: 'gpt.img',
      partitionTable: 'gpt',
    });
    const card = await usedCard(join(dir, 'gpt-card.img'), image.size);
    const { result, report } = await flash(image.path, card);
    expect(result.verified).toBe(true);
    expect(report.zeroGapBytes).toBeGreaterThan(0); // the gap before the boot partition
    expect(await readRange(card, 0, MiB)).toEqual(await readRange(image.path, 0, MiB));
    const tail = image.size - MiB;
    expect(await readRange(card, tail, MiB)).toEqual(await readRange(image.path, tail, MiB));
    const verify = await runStatus('sfdisk', ['--verify', card]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(await run('sfdisk', ['--dump', card])).toBe(
      await run('sfdisk', ['--dump', image.path]).then((d) => d.replaceAll(image.path, card)),
    );
    expect((await fsckBoot(card, image.boot!, dir)).code).toBe(0);
  }, 60_000);

  it('MBR: data between partitions that is not zero (a boot loader) is written', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'loader.img' });
    // Bookworm's boot partition starts at 4 MiB: put "boot loader" bytes at 2 MiB.
    const loader = pseudoRandomBytes(100 * 1024, 77);
    const handle = await open(image.path, 'r+');
    await handle.write(loader, 0, loader.length, 2 * MiB);
    await handle.close();
    const card = await usedCard(join(dir, 'loader-card.img'), image.size);
    const { report } = await flash(image.path, card);
    expect(await readRange(card, 2 * MiB, loader.length)).toEqual(Buffer.from(loader));
    // The zero rest of the gap was left out (the used card keeps its old bytes there).
    // [64 KiB, 4 MiB) before the boot partition, less the two 64 KiB pieces the loader touches,
    // and the MiB after the root partition.
    expect(report.zeroGapBytes).toBe(4 * MiB - 64 * 1024 - 128 * 1024 + MiB);
    expect(await readRange(card, 0, 512)).toEqual(await readRange(image.path, 0, 512));
    expect((await fsckBoot(card, image.boot!, dir)).code).toBe(0);
  }, 60_000);
});
