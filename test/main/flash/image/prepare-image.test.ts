import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  cacheInfo,
  clearCache,
  type CompressedFormat,
  type DecoderChoice,
  ImageError,
  type ImageProgress,
  type PreparedImage,
  prepareImage,
} from '../../../../main/flash/image';
import { multiThreadedXz } from '../../../../main/flash/image/system-tools';
import {
  hasCommand,
  requirePrerequisite,
  type SkippableContext,
} from '../../../support/prerequisites';
import {
  cacheFiles,
  compress,
  compressors,
  hasCompressor,
  makeRawImage,
  MiB,
  type RawFixture,
  ready,
  sha256Of,
  truncatedCopy,
} from './image-fixtures';

const formats: CompressedFormat[] = ['xz', 'gzip', 'zip', 'bzip2', 'zstd'];
const decoders: DecoderChoice[] = ['auto', 'builtin'];
const LIMIT = 64 * MiB;

let work: string;
let raw: RawFixture | null = null;
const archives = new Map<CompressedFormat, string>();
let cacheDir: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'kubeflash-image-'));
  if (hasCommand('sfdisk')) raw = await makeRawImage(work);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  cacheDir = mkdtempSync(join(work, 'cache-'));
});

function needRaw(ctx: SkippableContext): RawFixture {
  requirePrerequisite(ctx, raw !== null, 'sfdisk (util-linux) to build test disk images');
  return raw!;
}

function needArchive(ctx: SkippableContext, format: CompressedFormat): string {
  const image = needRaw(ctx);
  requirePrerequisite(ctx, hasCompressor(format), `${compressors[format]} to make test archives`);
  let path = archives.get(format);
  if (!path) {
    const dir = join(work, 'archives');
    mkdirSync(dir, { recursive: true });
    path = compress(image.path, format, dir);
    archives.set(format, path);
  }
  return path;
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

async function expectEmptyCache(): Promise<void> {
  expect(cacheFiles(cacheDir)).toEqual([]);
  expect((await cacheInfo({ cacheDir, maxCacheBytes: LIMIT })).entries).toEqual([]);
}

describe('prepareImage decompresses each format once into the cache', () => {
  for (const format of formats) {
    for (const decoder of decoders) {
      it(`${format} (${decoder} decoder): identical bytes, cached, second use from cache`, async (ctx) => {
        const archive = needArchive(ctx, format);
        const image = raw!;
        const first = await ready(
          prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT, decoder }),
        );
        expect(first).toMatchObject({
          format,
          size: image.size,
          sha256: null, // no published image checksum: the image is not hashed
          sourceSha256: sha256Of(archive),
          fromCache: false,
        });
        expect(first.rawPath.startsWith(join(cacheDir, 'images'))).toBe(true);
        expect(sha256Of(first.rawPath)).toBe(image.sha256);
        expect(first.decoder).toBeTruthy();

        const second = await ready(
          prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT, decoder }),
        );
        expect(second).toMatchObject({
          rawPath: first.rawPath,
          sha256: null,
          fromCache: true,
          decoder: null,
        });
        const listed = async () =>
          (await cacheInfo({ cacheDir, maxCacheBytes: LIMIT })).entries.map((e) => [
            e.format,
            e.sha256,
            e.size,
          ]);
        expect(await listed()).toEqual([[format, null, image.size]]);

        // A published image checksum later (the archive picked from a catalog): hashed then,
        // from the cached image, and listed.
        const phases: string[] = [];
        const published = await ready(
          prepareImage(archive, {
            cacheDir,
            maxCacheBytes: LIMIT,
            decoder,
            expectedExtractSha256: image.sha256,
            onProgress: (p) => phases.push(p.phase),
          }),
        );
        expect(published).toMatchObject({ sha256: image.sha256, fromCache: true });
        expect(phases).toContain('verifying');
        expect(await listed()).toEqual([[format, image.sha256, image.size]]);
        expect(cacheFiles(cacheDir)).toEqual([`images/${first.sourceSha256}.img`]);
        first.release();
        second.release();
      });
    }
  }

  it('uses the system xz on all cores when it can, lzma-native otherwise', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    const builtin = await ready(
      prepareImage(archive, {
        cacheDir,
        maxCacheBytes: LIMIT,
        decoder: 'builtin',
      }),
    );
    expect(builtin.decoder).toBe('lzma-native');
    const other = mkdtempSync(join(work, 'cache-'));
    const auto = await ready(
      prepareImage(archive, {
        cacheDir: other,
        maxCacheBytes: LIMIT,
        decoder: 'auto',
      }),
    );
    expect(['xz -T0', 'lzma-native']).toContain(auto.decoder);
    expect(sha256Of(auto.rawPath)).toBe(sha256Of(builtin.rawPath));
  });

  it('finds the image of a renamed archive by its content', async (ctx) => {
    const archive = needArchive(ctx, 'gzip');
    const first = await ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT }));
    const renamed = join(work, 'archives', 'renamed-without-extension');
    writeFileSync(renamed, readFileSync(archive));
    const second = await ready(prepareImage(renamed, { cacheDir, maxCacheBytes: LIMIT }));
    expect(second.fromCache).toBe(true);
    expect(second.rawPath).toBe(first.rawPath);
    // The copy was new to the cache: decompressed until its hash found the image; then dropped.
    expect(cacheFiles(cacheDir)).toEqual([`images/${first.sourceSha256}.img`]);
    expect(second.format).toBe('gzip');
    rmSync(renamed);
  });

  it('decompresses a concurrent second request for the same archive only once', async (ctx) => {
    const archive = needArchive(ctx, 'gzip');
    const [a, b] = await Promise.all([
      ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT })),
      ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT })),
    ]);
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true]);
    expect(a.rawPath).toBe(b.rawPath);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
  });

  it('a request with a published image checksum that joins one without it has the image hashed', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    const options = { cacheDir, maxCacheBytes: LIMIT };
    // Prepared (xz may still be listing it in the background) before the others ask: they join
    // it while it is in flight, or find it in the cache; either way they have it hashed.
    const plain = await prepareImage(archive, options);
    const [right, wrong] = [raw!.sha256, 'e'.repeat(64)].map((expectedExtractSha256) =>
      prepareImage(archive, { ...options, expectedExtractSha256 }),
    );
    expect(await plain.sha256).toBeNull();
    const hashed = await ready(right!);
    expect(hashed.sha256).toBe(raw!.sha256);
    // The mismatch is found, and the image stays: it is the archive's, only the checksum given
    // was wrong.
    const verdict = await ready(wrong!).catch((error: unknown) => error);
    expect(verdict).toMatchObject({ problem: 'checksum-mismatch' });
    const info = await cacheInfo(options);
    expect(info.entries.map((e) => e.sha256)).toEqual([raw!.sha256]);
    plain.release();
    hashed.release();
  });
});

describe('prepareImage with a raw image', () => {
  it('uses it in place, hashes it once, and again after it changes', async (ctx) => {
    const image = needRaw(ctx);
    const copy = join(work, 'in-place.img');
    writeFileSync(copy, readFileSync(image.path));
    const first = await ready(prepareImage(copy, { cacheDir, maxCacheBytes: LIMIT }));
    expect(first).toMatchObject({
      format: 'raw',
      layout: 'mbr',
      rawPath: copy,
      sha256: image.sha256,
      fromCache: false,
    });
    expect(first.sourceSha256).toBe(image.sha256);

    const phases: string[] = [];
    const second = await ready(
      prepareImage(copy, {
        cacheDir,
        maxCacheBytes: LIMIT,
        onProgress: (p) => phases.push(p.phase),
      }),
    );
    expect(second.fromCache).toBe(true);
    expect(phases).toEqual([]); // remembered: not read again

    const later = new Date(Date.now() + 5000);
    utimesSync(copy, later, later);
    const third = await ready(prepareImage(copy, { cacheDir, maxCacheBytes: LIMIT }));
    expect(third.fromCache).toBe(false);
    expect(third.sha256).toBe(image.sha256);
    expect(cacheFiles(cacheDir)).toEqual([]); // never copied into the cache
    rmSync(copy);
  });

  it('checks a raw image against an expected checksum', async (ctx) => {
    const image = needRaw(ctx);
    const wrong = 'ab'.repeat(32);
    const error = await failure(
      ready(prepareImage(image.path, { cacheDir, maxCacheBytes: LIMIT, expectedSha256: wrong })),
    );
    expect(error.problem).toBe('checksum-mismatch');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(image.sha256);
    const ok = await ready(
      prepareImage(image.path, {
        cacheDir,
        maxCacheBytes: LIMIT,
        expectedSha256: image.sha256.toUpperCase(),
      }),
    );
    expect(ok.sha256).toBe(image.sha256);
  });
});

describe('prepareImage refuses bad archives and leaves nothing in the cache', () => {
  for (const format of formats) {
    for (const decoder of decoders) {
      it(`a truncated ${format} archive (${decoder} decoder)`, async (ctx) => {
        const archive = needArchive(ctx, format);
        const size = readFileSync(archive).length;
        const cut = truncatedCopy(archive, Math.floor(size * 0.6), join(work, 'archives'));
        const error = await failure(
          ready(prepareImage(cut, { cacheDir, maxCacheBytes: LIMIT, decoder })),
        );
        expect(error.problem).toBe('corrupt-archive');
        expect(error.message).toContain('truncated-');
        expect(error.message).toMatch(/Download it again/);
        await expectEmptyCache();
        rmSync(cut);
      });
    }
  }

  // fzstd does not check zstd's content checksum, so damage is tested with the zstd tool only.
  const corruptible: [CompressedFormat, DecoderChoice][] = [
    ['xz', 'auto'],
    ['xz', 'builtin'],
    ['gzip', 'auto'],
    ['bzip2', 'auto'],
    ['bzip2', 'builtin'],
    ['zstd', 'auto'],
    ['zip', 'auto'],
  ];
  for (const [format, decoder] of corruptible) {
    it(`a damaged ${format} archive (${decoder} decoder)`, async (ctx) => {
      const archive = needArchive(ctx, format);
      if (format === 'zstd') requirePrerequisite(ctx, hasCommand('zstd'), 'the zstd tool');
      const bytes = readFileSync(archive);
      const middle = Math.floor(bytes.length / 2);
      for (let i = 0; i < 64; i++) bytes[middle + i] = bytes[middle + i]! ^ 0x5a;
      const damaged = join(work, 'archives', `damaged-${format}-${decoder}`);
      writeFileSync(damaged, bytes);
      const error = await failure(
        ready(prepareImage(damaged, { cacheDir, maxCacheBytes: LIMIT, decoder })),
      );
      expect(error.problem).toBe('corrupt-archive');
      expect(error.message).toContain(`damaged-${format}-${decoder}`);
      await expectEmptyCache();
      rmSync(damaged);
    });
  }

  it('a wrong expected sha256 of the archive names both checksums', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    const wrong = '0'.repeat(64);
    const error = await failure(
      ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT, expectedSha256: wrong })),
    );
    expect(error.problem).toBe('checksum-mismatch');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(sha256Of(archive));
    await expectEmptyCache();
  });

  it('a wrong expected sha256 of the image names both checksums', async (ctx) => {
    const archive = needArchive(ctx, 'zstd');
    const wrong = 'f'.repeat(64);
    const error = await failure(
      ready(
        prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT, expectedExtractSha256: wrong }),
      ),
    );
    expect(error.problem).toBe('checksum-mismatch');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(raw!.sha256);
    await expectEmptyCache();
  });

  it('a card relies on an image once its published sha256 matches, or at once when none was published', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    const wrong = 'f'.repeat(64);
    const published = await prepareImage(archive, {
      cacheDir,
      maxCacheBytes: LIMIT,
      expectedExtractSha256: wrong,
    }).catch((error: unknown) => error);
    // Hashed in the background (xz wrote the image) or before: either way the card is refused.
    const verdict =
      published instanceof Error
        ? published
        : await (published as PreparedImage).verified.catch((error: unknown) => error);
    expect(verdict).toMatchObject({ problem: 'checksum-mismatch' });
    await expectEmptyCache();

    const unpublished = await prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT });
    await expect(unpublished.verified).resolves.toBeUndefined();
    expect(await unpublished.sha256).toBeNull();
    expect(sha256Of(unpublished.rawPath)).toBe(raw!.sha256);
    unpublished.release();
  });

  it('accepts the right expected checksums and size', async (ctx) => {
    const archive = needArchive(ctx, 'bzip2');
    const prepared = await ready(
      prepareImage(archive, {
        cacheDir,
        maxCacheBytes: LIMIT,
        expectedSha256: sha256Of(archive),
        expectedExtractSha256: raw!.sha256,
        expectedExtractSize: raw!.size,
      }),
    );
    expect(prepared.sha256).toBe(raw!.sha256);
  });

  it('a wrong expected image size', async (ctx) => {
    const archive = needArchive(ctx, 'gzip');
    const error = await failure(
      ready(
        prepareImage(archive, {
          cacheDir,
          maxCacheBytes: LIMIT,
          expectedExtractSize: raw!.size + 512,
        }),
      ),
    );
    expect(error.problem).toBe('size-mismatch');
    await expectEmptyCache();
  });

  it('an argument that is not a sha256', async () => {
    await expect(
      ready(
        prepareImage(join(work, 'whatever'), {
          cacheDir,
          maxCacheBytes: LIMIT,
          expectedSha256: 'abc',
        }),
      ),
    ).rejects.toThrow(/64 hex digits/);
  });
});

describe('prepareImage refuses what is not an image, each with its own error', () => {
  const cases: [string, () => string, string, RegExp][] = [
    [
      'random bytes',
      () =>
        file(
          'random.img',
          Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919 + 13) % 251)),
        ),
      'not-an-image',
      /not a disk image/,
    ],
    [
      'a text file',
      () => file('notes.img', 'just some notes\n'.repeat(100)),
      'text-file',
      /text file/,
    ],
    [
      'an HTML error page',
      () => file('image.img.xz', '<!DOCTYPE html><html><body>404</body></html>'),
      'text-file',
      /web page/,
    ],
    ['an empty file', () => file('empty.img', ''), 'empty', /empty \(0 bytes\)/],
    ['a folder', () => folder('a-folder.img'), 'not-a-file', /is a folder/],
    ['a missing file', () => join(work, 'missing.img'), 'not-found', /does not exist/],
  ];
  for (const [what, make, problem, message] of cases) {
    it(what, async () => {
      const path = make();
      const error = await failure(ready(prepareImage(path, { cacheDir, maxCacheBytes: LIMIT })));
      expect(error.problem).toBe(problem);
      expect(error.message).toMatch(message);
      expect(error.subject).toBe(path);
      await expectEmptyCache();
    });
  }

  it('a zip archive without a disk image lists what it holds', async (ctx) => {
    requirePrerequisite(ctx, hasCommand('zip'), 'zip to make test archives');
    const dir = mkdtempSync(join(work, 'zip-'));
    writeFileSync(join(dir, 'README.txt'), 'read me');
    writeFileSync(join(dir, 'boot.tar'), 'not an image');
    const archive = join(dir, 'no-image.zip');
    compress(join(dir, 'README.txt'), 'zip', dir, 'no-image.zip');
    compress(join(dir, 'boot.tar'), 'zip', dir, 'no-image.zip');
    const error = await failure(ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT })));
    expect(error.problem).toBe('no-image-in-archive');
    expect(error.message).toContain('README.txt');
    expect(error.message).toContain('boot.tar');
    await expectEmptyCache();
  });

  it('a zip with two images takes the largest', async (ctx) => {
    const image = needRaw(ctx);
    requirePrerequisite(ctx, hasCommand('zip'), 'zip to make test archives');
    const dir = mkdtempSync(join(work, 'zip-'));
    const small = join(dir, 'small.img');
    writeFileSync(small, readFileSync(image.path).subarray(0, MiB));
    compress(small, 'zip', dir, 'two.zip');
    compress(image.path, 'zip', dir, 'two.zip');
    const prepared = await ready(
      prepareImage(join(dir, 'two.zip'), { cacheDir, maxCacheBytes: LIMIT }),
    );
    expect(sha256Of(prepared.rawPath)).toBe(image.sha256);
  });

  it('an archive of something that is not a disk image', async (ctx) => {
    requirePrerequisite(ctx, hasCommand('gzip'), 'gzip to make test archives');
    const text = file('notes.txt', 'hello\n'.repeat(5000));
    const archive = compress(text, 'gzip', work);
    const error = await failure(ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT })));
    expect(error.problem).toBe('text-file');
    expect(error.message).toMatch(/gzip archive notes\.txt\.gz holds a text file/);
    await expectEmptyCache();
  });

  function file(name: string, content: string | Buffer): string {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  }

  function folder(name: string): string {
    const path = join(work, name);
    mkdirSync(path, { recursive: true });
    return path;
  }
});

describe('prepareImage progress', () => {
  it('reports each phase in order with monotonic bytes, a sane speed and ETA', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    let clock = 0;
    const now = () => (clock += 40); // 40 ms pass between two looks at the clock
    const events: ImageProgress[] = [];
    const prepared = await ready(
      prepareImage(archive, {
        cacheDir,
        maxCacheBytes: LIMIT,
        decoder: 'builtin',
        now,
        onProgress: (p) => events.push(p),
      }),
    );
    const phases = events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1]);
    // Seen for the first time, the archive is hashed while it is decompressed: no phase of its own.
    expect(phases).toEqual(['decompressing', 'verifying']);
    const archiveSize = readFileSync(archive).length;
    for (const phase of phases) {
      const list = events.filter((e) => e.phase === phase);
      expect(list.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < list.length; i++) {
        expect(list[i]!.bytesRead).toBeGreaterThanOrEqual(list[i - 1]!.bytesRead);
        expect(list[i]!.bytesWritten).toBeGreaterThanOrEqual(list[i - 1]!.bytesWritten);
      }
      for (const event of list) {
        expect(Number.isFinite(event.speed)).toBe(true);
        expect(event.speed).toBeGreaterThanOrEqual(0);
        if (event.etaSeconds !== null) expect(event.etaSeconds).toBeGreaterThanOrEqual(0);
        if (event.bytesTotal !== null)
          expect(event.bytesRead).toBeLessThanOrEqual(event.bytesTotal);
      }
      const last = list.at(-1)!;
      expect(last.bytesRead).toBe(last.bytesTotal);
      expect(last.etaSeconds).toBe(0);
      expect(last.speed).toBeGreaterThan(0);
    }
    const decompressing = events.filter((e) => e.phase === 'decompressing');
    expect(decompressing.at(-1)).toMatchObject({
      bytesTotal: archiveSize,
      bytesWritten: prepared.size,
    });
    // With 40 ms per clock reading the speed is far below the real one but never zero or absurd.
    expect(decompressing.at(-1)!.speed).toBeLessThan(archiveSize * 1000);
  });
});

describe('the image cache', () => {
  async function distinctArchives(ctx: SkippableContext, count: number): Promise<string[]> {
    needRaw(ctx);
    requirePrerequisite(ctx, hasCommand('gzip'), 'gzip to make test archives');
    const dir = mkdtempSync(join(work, 'lru-'));
    const paths: string[] = [];
    for (let i = 0; i < count; i++) {
      const image = await makeRawImage(dir, `disk-${i}.img`, 2);
      paths.push(compress(image.path, 'gzip', dir));
    }
    return paths;
  }

  it('evicts least recently used images to fit its limit, never one in use', async (ctx) => {
    const [a, b, c, d] = await distinctArchives(ctx, 4);
    const maxCacheBytes = 5 * MiB; // two 2 MiB images fit, three do not
    const options = { cacheDir, maxCacheBytes };
    const inUse = await ready(prepareImage(a!, options)); // oldest, but pinned
    (await ready(prepareImage(b!, options))).release();
    (await ready(prepareImage(c!, options))).release();
    let info = await cacheInfo(options);
    expect(info.entries.map((e) => e.sourceName)).toEqual(['disk-2.img.gz', 'disk-0.img.gz']);
    expect(info.entries.find((e) => e.sourceName === 'disk-0.img.gz')?.inUse).toBe(true);
    expect(info.imageBytes).toBe(4 * MiB);

    inUse.release();
    (await ready(prepareImage(d!, options))).release();
    info = await cacheInfo(options);
    expect(info.entries.map((e) => e.sourceName)).toEqual(['disk-3.img.gz', 'disk-2.img.gz']);
    expect(cacheFiles(cacheDir)).toHaveLength(2);
    expect(info.totalBytes).toBeLessThanOrEqual(maxCacheBytes);
  });

  it('keeps a recently used image over an older one', async (ctx) => {
    const [a, b, c] = await distinctArchives(ctx, 3);
    const options = { cacheDir, maxCacheBytes: 5 * MiB };
    (await ready(prepareImage(a!, options))).release();
    (await ready(prepareImage(b!, options))).release();
    const again = await ready(prepareImage(a!, options)); // a is now the most recent
    expect(again.fromCache).toBe(true);
    again.release();
    (await ready(prepareImage(c!, options))).release();
    const names = (await cacheInfo(options)).entries.map((e) => e.sourceName);
    expect(names).toEqual(['disk-2.img.gz', 'disk-0.img.gz']);
  });

  it('clearCache removes images and downloads, except an image in use', async (ctx) => {
    const [a, b] = await distinctArchives(ctx, 2);
    const options = { cacheDir, maxCacheBytes: LIMIT };
    const inUse = await ready(prepareImage(a!, options));
    (await ready(prepareImage(b!, options))).release();
    writeFileSync(join(cacheDir, 'downloads', 'old.img.xz'), Buffer.alloc(1000));
    const result = await clearCache(options);
    expect(result).toEqual({ removedEntries: 1, freedBytes: 2 * MiB + 1000, keptEntries: 1 });
    const info = await cacheInfo(options);
    expect(info.entries.map((e) => e.sourceName)).toEqual(['disk-0.img.gz']);
    expect(info.downloadBytes).toBe(0);
    inUse.release();
    await clearCache(options);
    expect((await cacheInfo(options)).entries).toEqual([]);
    expect(cacheFiles(cacheDir)).toEqual([]);
  });

  it('forgets an image whose file was deleted behind its back', async (ctx) => {
    const archive = needArchive(ctx, 'gzip');
    const first = await ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT }));
    rmSync(first.rawPath);
    const second = await ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT }));
    expect(second.fromCache).toBe(false);
    expect(sha256Of(second.rawPath)).toBe(raw!.sha256);
  });

  for (const decoder of decoders) {
    it(`cancelling while decompressing (${decoder} decoder) leaves nothing behind`, async (ctx) => {
      const archive = needArchive(ctx, 'xz');
      const controller = new AbortController();
      const error = await failure(
        ready(
          prepareImage(archive, {
            cacheDir,
            maxCacheBytes: LIMIT,
            decoder,
            signal: controller.signal,
            onProgress: (p) => {
              if (p.phase === 'decompressing') controller.abort();
            },
          }),
        ),
      );
      expect(error.problem).toBe('cancelled');
      await expectEmptyCache();
    });
  }

  it('a cancelled preparation leaves nothing behind', async (ctx) => {
    const archive = needArchive(ctx, 'xz');
    const moved = join(work, 'archives', 'cancel-me.img.xz');
    renameSync(archive, moved);
    archives.delete('xz');
    const controller = new AbortController();
    controller.abort();
    const error = await failure(
      ready(prepareImage(moved, { cacheDir, maxCacheBytes: LIMIT, signal: controller.signal })),
    );
    expect(error.problem).toBe('cancelled');
    await expectEmptyCache();
  });
});

describe('a system decompressor writes the cached image itself', () => {
  /** 48 MiB, mostly zeros (free space), with data at 1 MiB and 30 MiB: sparse on disk. */
  function sparseImage(ctx: SkippableContext): string {
    needRaw(ctx);
    const dir = mkdtempSync(join(work, 'sparse-'));
    const path = join(dir, 'sparse.img');
    execFileSync('truncate', ['-s', '48M', path]);
    execFileSync('sfdisk', ['--quiet', path], { input: 'label: dos\nstart=2048, type=83\n' });
    const fd = openSync(path, 'r+');
    for (const at of [1, 30]) writeSync(fd, randomBytes(MiB), 0, MiB, at * MiB);
    closeSync(fd);
    return path;
  }

  const tools: [Exclude<CompressedFormat, 'zip' | 'gzip' | 'bzip2'>, string, () => boolean][] = [
    ['xz', 'xz -T0', () => multiThreadedXz() !== null],
    ['zstd', 'zstd', () => hasCommand('zstd')],
  ];
  for (const [format, decoder, available] of tools) {
    it(`${decoder}: byte for byte the image, its zeros left as holes`, async (ctx) => {
      requirePrerequisite(ctx, available(), `${decoder} (the system tool) on PATH`);
      const image = sparseImage(ctx);
      const archive = compress(image, format, join(image, '..'));
      const prepared = await ready(
        prepareImage(archive, {
          cacheDir,
          maxCacheBytes: LIMIT,
          expectedExtractSha256: sha256Of(image),
        }),
      );
      expect(prepared.decoder).toBe(decoder);
      expect(prepared.sha256).toBe(sha256Of(image)); // hashed from the file: holes and all
      expect(sha256Of(prepared.rawPath)).toBe(sha256Of(image));
      expect(statSync(prepared.rawPath).size).toBe(48 * MiB);
      // 2 MiB of data (and the MBR): the 46 MiB of zeros take no space.
      expect(statSync(prepared.rawPath).blocks * 512).toBeLessThan(4 * MiB);
      const info = await cacheInfo({ cacheDir, maxCacheBytes: LIMIT });
      expect(info.entries.map((e) => e.sha256)).toEqual([prepared.sha256]);
      prepared.release();
    });

    it(`${decoder}: an archive of something else is refused, and nothing is kept`, async (ctx) => {
      requirePrerequisite(ctx, available(), `${decoder} (the system tool) on PATH`);
      const dir = mkdtempSync(join(work, 'other-'));
      // Big enough that the tool's output is looked at while it still decompresses.
      const noise = join(dir, 'noise.bin');
      writeFileSync(noise, randomBytes(6 * MiB));
      const notes = join(dir, 'notes.txt');
      writeFileSync(notes, 'just some notes\n'.repeat(100));
      for (const [input, problem] of [
        [noise, 'not-an-image'],
        [notes, 'text-file'],
      ] as const) {
        const archive = compress(input, format, dir);
        const error = await failure(
          ready(prepareImage(archive, { cacheDir, maxCacheBytes: LIMIT })),
        );
        expect(error.problem).toBe(problem);
        expect(error.subject).toBe(archive);
        await expectEmptyCache();
      }
    });
  }
});
