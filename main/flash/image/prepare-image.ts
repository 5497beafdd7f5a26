import { rm, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import type { DecoderChoice } from './decoder';
import { decompressToFile, flushToDisk } from './decompress';
import { detectImageFormat, type ImageFormat, type RawLayout } from './detect-format';
import {
  type FileIdentity,
  identify,
  recallFileHash,
  rememberFileHash,
  sameFile,
} from './file-hash-memo';
import { sha256File } from './hashing';
import { type CacheEntry, ImageCache } from './image-cache';
import {
  checkFreeSpace,
  checkHex,
  checkIsFile,
  checkPublishedImage,
  checkSize,
} from './image-checks';
import { cancelled, checksumMismatch, ImageError } from './image-error';
import { PhaseProgress, type ProgressListener } from './image-progress';
import { openZipImage } from './zip-image';

export interface PrepareImageOptions {
  /** The image cache folder and its size limit (least recently used images are evicted). */
  cacheDir: string;
  maxCacheBytes: number;
  /** sha256 of the source file as published (catalog `image_download_sha256`). */
  expectedSha256?: string;
  /** sha256 and size of the raw image as published (catalog `extract_sha256`, `extract_size`). */
  expectedExtractSha256?: string;
  expectedExtractSize?: number;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** 'builtin' never starts a system decompressor (see DecoderChoice). */
  decoder?: DecoderChoice;
  /** Milliseconds clock for progress speed (tests). */
  now?: () => number;
}

export interface PreparedImage {
  /** The source as given, resolved. */
  source: string;
  format: ImageFormat;
  /** The raw image to write: the source itself for a raw image, else the cached image. */
  rawPath: string;
  size: number;
  /**
   * sha256 of the raw image, checked against the published one (rejects with checksum-mismatch).
   * Known at once, except for an image a system tool just decompressed: that one is hashed,
   * flushed and listed in the cache in the background, while the card is being written.
   */
  sha256: Promise<string>;
  /** sha256 of the source file (the raw image's own for a raw image). */
  sourceSha256: string;
  /**
   * Nothing had to be decompressed (compressed source: its image was cached), and for a raw
   * image nothing had to be hashed (its hash was remembered).
   */
  fromCache: boolean;
  /** What decompressed it this time (null when nothing was decompressed). */
  decoder: string | null;
  /** How the raw image starts, when the source is raw. */
  layout: RawLayout | null;
  /** Let the cache evict this image again (call when the card is written). Idempotent. */
  release(): void;
}

/** Preparations under way in this process, by cache folder and source hash. */
const inFlight = new Map<string, Promise<PreparedImage>>();

/**
 * Make a raw image out of an image source, once: detect the format by content, hash the source
 * (remembered per path + size + mtime), check it against `expectedSha256`, then either use a
 * raw image in place or decompress into the cache keyed by the source's sha256 (in one pass;
 * listed in the cache only once complete, hashed, checked and flushed). A damaged archive, a
 * checksum mismatch or a cancel leaves nothing in the cache.
 */
export async function prepareImage(
  source: string,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
  const path = resolve(source);
  const name = basename(path);
  const expectedSha256 = checkHex(options.expectedSha256, 'expectedSha256');
  const expectedExtractSha256 = checkHex(options.expectedExtractSha256, 'expectedExtractSha256');

  await checkIsFile(path);
  const { format, layout } = await detectImageFormat(path);
  const cache = await ImageCache.open(options.cacheDir, options.maxCacheBytes);

  const file = await identify(path);
  let sourceSha256 = await recallFileHash(cache.dir, file);
  const remembered = sourceSha256 !== null;
  if (!sourceSha256) {
    const progress = new PhaseProgress('hashing', file.size, options.onProgress, options.now);
    sourceSha256 = await sha256File(path, {
      signal: options.signal,
      onBytes: (bytes) => progress.read(bytes),
    }).catch((error: unknown) => {
      throw options.signal?.aborted ? cancelled(name) : error;
    });
    progress.finish();
    await rememberFileHash(cache.dir, file, sourceSha256);
  }
  if (expectedSha256 && sourceSha256 !== expectedSha256) {
    throw checksumMismatch(name, path, expectedSha256, sourceSha256);
  }

  const checked = { ...options, expectedExtractSha256: expectedExtractSha256 ?? undefined };
  if (format === 'raw') {
    checkPublishedImage(
      { sha256: sourceSha256, size: file.size },
      checked,
      `The image ${name}`,
      path,
    );
    return {
      source: path,
      format,
      rawPath: path,
      size: file.size,
      sha256: Promise.resolve(sourceSha256),
      sourceSha256,
      fromCache: remembered,
      decoder: null,
      layout,
      release: () => {},
    };
  }

  const key = `${cache.dir}\0${sourceSha256}`;
  const running = inFlight.get(key);
  if (running) {
    const shared = await running;
    return {
      ...shared,
      source: path,
      sha256: checkedLater(shared, checked, `The image inside ${name}`, path),
      fromCache: true,
      decoder: null,
      release: cache.pin(sourceSha256),
    };
  }
  const work = fromCacheOrDecompress(cache, file, format, sourceSha256, checked);
  inFlight.set(key, work);
  // Shared until completely checked: its hash may still be computed in the background.
  void work
    .then((image) => image.sha256)
    .catch(() => {})
    .finally(() => inFlight.delete(key));
  return work;
}

/** The image's sha256 once it is known and matches what was published. */
function checkedLater(
  image: { sha256: Promise<string>; size: number },
  published: { expectedExtractSha256?: string; expectedExtractSize?: number },
  what: string,
  path: string,
): Promise<string> {
  checkSize(published.expectedExtractSize, image.size, what, path);
  const sha256 = image.sha256.then((value) => {
    checkPublishedImage({ sha256: value, size: image.size }, published, what, path);
    return value;
  });
  sha256.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  return sha256;
}

async function fromCacheOrDecompress(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
  const { path } = file;
  const name = basename(path);
  const release = cache.pin(sourceSha256);
  try {
    const cached = await cache.lookup(sourceSha256);
    if (cached) {
      checkPublishedImage(cached, options, `The image inside ${name}`, path);
      return {
        source: path,
        format,
        rawPath: cache.imagePath(sourceSha256),
        size: cached.size,
        sha256: Promise.resolve(cached.sha256),
        sourceSha256,
        fromCache: true,
        decoder: null,
        layout: null,
        release,
      };
    }
    return await decompressIntoCache(cache, file, format, sourceSha256, options, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function decompressIntoCache(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
  release: () => void,
): Promise<PreparedImage> {
  const { path } = file;
  const name = basename(path);
  const zip = format === 'zip' ? await openZipImage(path) : undefined;
  const tempPath = cache.tempPath();
  try {
    const knownSize = options.expectedExtractSize ?? zip?.entry.uncompressedSize ?? null;
    if (knownSize !== null) {
      await cache.makeRoom(knownSize);
      await checkFreeSpace(cache.dir, knownSize, name, path);
    }
    const sourceBytes = zip ? zip.entry.compressedSize : (await stat(path)).size;
    const progress = new PhaseProgress(
      'decompressing',
      sourceBytes,
      options.onProgress,
      options.now,
    );
    const result = await decompressToFile({
      sourcePath: path,
      format,
      zip,
      tempPath,
      decoder: options.decoder ?? 'auto',
      progress,
      signal: options.signal,
    });
    progress.finish();

    // Its sha256 (the cache key) was taken before: the archive must not have changed since.
    if (!sameFile(file, await identify(path))) {
      throw new ImageError(
        'checksum-mismatch',
        `${name} changed while it was being read (its size or modification time is not what it was when it was hashed). Wait until it is completely copied or downloaded, then choose it again.`,
        path,
      );
    }
    const what = `The image inside ${name}`;
    const now = new Date().toISOString();
    const entry = (sha256: string): CacheEntry => ({
      sourceSha256,
      sha256,
      size: result.size,
      format,
      sourceName: name,
      createdAt: now,
      lastUsedAt: now,
    });
    const prepared = {
      source: path,
      format,
      rawPath: cache.imagePath(sourceSha256),
      size: result.size,
      sourceSha256,
      fromCache: false,
      decoder: result.decoder,
      layout: null,
      release,
    };
    if (result.sha256 === null) {
      checkSize(options.expectedExtractSize, result.size, what, path);
      await cache.adopt(tempPath, sourceSha256);
      const sha256 = finishInBackground(cache, sourceSha256, entry, options, what, path);
      return { ...prepared, sha256 };
    }
    const verifying = new PhaseProgress('verifying', result.size, options.onProgress, options.now);
    await flushToDisk(tempPath);
    checkPublishedImage({ sha256: result.sha256, size: result.size }, options, what, path);
    verifying.read(result.size);
    verifying.finish();
    await cache.insert(entry(result.sha256), tempPath);
    return { ...prepared, sha256: Promise.resolve(result.sha256) };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    zip?.close();
  }
}

/**
 * The rest of an image a system tool decompressed (already adopted into the cache): hash it
 * (uncached: its holes cost nothing), check it against the published sha256, flush it, list it.
 * Runs while the card is written; on any failure the image is not kept.
 */
function finishInBackground(
  cache: ImageCache,
  sourceSha256: string,
  entry: (sha256: string) => CacheEntry,
  published: PrepareImageOptions,
  what: string,
  path: string,
): Promise<string> {
  const imagePath = cache.imagePath(sourceSha256);
  const unpin = cache.pin(sourceSha256);
  const finished = (async () => {
    const sha256 = await sha256File(imagePath, { uncached: true });
    const listed = entry(sha256);
    checkPublishedImage(listed, published, what, path);
    await flushToDisk(imagePath);
    await cache.record(listed);
    return sha256;
  })();
  const settled = finished.catch(async (error: unknown) => {
    await cache.discard(sourceSha256).catch(() => {});
    throw error;
  });
  void settled.catch(() => {}).finally(unpin);
  return settled;
}
