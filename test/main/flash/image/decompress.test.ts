import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decompressToFile } from '../../../../main/flash/image/decompress';
import { ImageError } from '../../../../main/flash/image/image-error';
import { PhaseProgress } from '../../../../main/flash/image/image-progress';
import { FileToFileDecoder } from '../../../../main/flash/image/process-decoder';
import { multiThreadedXz } from '../../../../main/flash/image/system-tools';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import {
  compress,
  makeRawImage,
  MiB,
  pauseAfterFirstMiB,
  type RawFixture,
  sha256Of,
  truncatedCopy,
  withStandInXz,
} from './image-fixtures';

/**
 * A system tool that writes the raw image itself (xz ≥ 5.4, zstd), fed two ways: it reads the
 * archive itself (the default on Linux, progress from /proc) or the archive is piped to it.
 */
describe.for([
  ['reads the archive itself', true],
  ['is piped the archive', false],
] as const)('decompressToFile when the tool %s', ([, toolReadsArchive]) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-decompress-'));
  let raw: RawFixture;
  /** raw as .xz (made once: xz is slow on random data), when xz can write the image itself. */
  let xzArchive: string | null = null;
  let made = 0;
  const tempPath = () => join(dir, `out-${made++}.img`);
  const requireXz = (ctx: Parameters<typeof requirePrerequisite>[0]) =>
    requirePrerequisite(ctx, xzArchive !== null, 'xz ≥ 5.4 (it writes the image itself)');

  beforeAll(async () => {
    raw = await makeRawImage(dir, 'disk.img', 6);
    if (multiThreadedXz()) xzArchive = compress(raw.path, 'xz', dir, 'whole.img.xz');
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(sourcePath: string, format: 'xz' | 'zstd', signal?: AbortSignal) {
    const progress = new PhaseProgress('decompressing', statSync(sourcePath).size, undefined);
    const output = tempPath();
    const result = decompressToFile({
      sourcePath,
      format,
      tempPath: output,
      decoder: 'auto',
      hash: true, // asked, and still not done here: the file is hashed afterwards if at all
      progress,
      signal,
      toolReadsArchive,
    });
    return { progress, output, result };
  }

  for (const format of ['xz', 'zstd'] as const) {
    it(`writes a ${format} archive's image, its progress covering the whole archive`, async (ctx) => {
      if (format === 'xz') requireXz(ctx);
      else requirePrerequisite(ctx, hasCommand('zstd'), 'zstd');
      const archive = format === 'xz' ? xzArchive! : compress(raw.path, format, dir);
      const { progress, output, result } = run(archive, format);
      const done = await result;
      expect(done).toMatchObject({ sha256: null, toolWroteFile: true });
      expect(done.size).toBe(raw.size);
      expect(sha256Of(output)).toBe(raw.sha256);
      expect(progress.bytesRead).toBe(statSync(archive).size);
      expect(progress.bytesWritten).toBe(raw.size);
    });
  }

  it('a cut-short archive is a damaged-archive error that names it', async (ctx) => {
    requireXz(ctx);
    const cut = truncatedCopy(xzArchive!, Math.floor(statSync(xzArchive!).size / 2), dir);
    const { output, result } = run(cut, 'xz');
    const failure = await result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImageError);
    expect(failure).toMatchObject({ problem: 'corrupt-archive' });
    expect((failure as Error).message).toMatch(/truncated-whole\.img\.xz is cut short/);
    // Refused from its index, before any image was written.
    expect(existsSync(output)).toBe(false);
  });

  it('tells the image size from the .xz index at once, then how far the image is as it grows', async (ctx) => {
    requireXz(ctx);
    await withStandInXz(multiThreadedXz()!, dir, pauseAfterFirstMiB(0.4), async () => {
      const sizes: number[] = [];
      const reports: number[] = [];
      const progress = new PhaseProgress('decompressing', statSync(xzArchive!).size, undefined);
      const done = await decompressToFile({
        sourcePath: xzArchive!,
        format: 'xz',
        tempPath: tempPath(),
        decoder: 'auto',
        hash: false,
        progress,
        toolReadsArchive,
        onKnownSize: (size) => sizes.push(size),
        onGrowth: (written) => reports.push(written),
      });
      expect(done.size).toBe(raw.size);
      expect(sizes).toEqual([raw.size]);
      if (!toolReadsArchive) {
        expect(reports).toEqual([]); // only looked at while the tool reads the archive itself
        return;
      }
      expect(reports.length).toBeGreaterThan(0);
      expect(reports[0]).toBeGreaterThanOrEqual(36 * 1024); // after the disk-head check
      expect(reports.some((r) => r < raw.size)).toBe(true);
      expect(reports).toEqual([...reports].sort((a, b) => a - b));
      expect(Math.max(...reports)).toBeLessThanOrEqual(raw.size);
    });
  });

  it('an archive of something other than a disk image is refused as such', async (ctx) => {
    requireXz(ctx);
    const notADisk = join(dir, 'notes.bin');
    writeFileSync(notADisk, randomBytes(2 * MiB));
    const archive = compress(notADisk, 'xz', dir);
    const failure = await run(archive, 'xz').result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ImageError);
    expect((failure as ImageError).problem).toBe('not-an-image');
  });

  it('a cancelled decompression stops with a cancel error', async (ctx) => {
    requireXz(ctx);
    const stop = new AbortController();
    stop.abort();
    const { output, result } = run(xzArchive!, 'xz', stop.signal);
    const failure = await result.catch((error: unknown) => error);
    expect(failure).toMatchObject({ problem: 'cancelled' });
    // The caller deletes the temporary file (decompressToTemp); here it may exist, never whole.
    if (existsSync(output)) expect(statSync(output).size).toBeLessThan(raw.size);
  });
});

describe('FileToFileDecoder', () => {
  it('reads how far the tool has read its archive from /proc (Linux)', async (ctx) => {
    requirePrerequisite(ctx, existsSync('/proc/self/fdinfo'), '/proc/<pid>/fdinfo (Linux)');
    const dir = mkdtempSync(join(tmpdir(), 'kubeflash-decoder-'));
    try {
      const input = openSync(join(dir, 'archive'), 'w+');
      const output = openSync(join(dir, 'image'), 'w');
      writeFileSync(join(dir, 'archive'), randomBytes(64 * 1024));
      // A stand-in tool that reads exactly 1000 bytes, then waits: its offset is known.
      const decoder = new FileToFileDecoder(
        {
          command: 'sh',
          args: ['-c', 'dd bs=1000 count=1 of=/dev/null 2>/dev/null; exec sleep 5'],
        },
        input,
        output,
      );
      let consumed: number | null = null;
      for (let tries = 0; tries < 50 && consumed !== 1000; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        consumed = await decoder.consumed();
      }
      expect(consumed).toBe(1000);
      decoder.stop();
      await expect(decoder.exited).rejects.toThrow(/SIGTERM/);
      expect(await decoder.consumed()).toBeNull();
      closeSync(input);
      closeSync(output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
