import { rm, stat, statfs } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import { KubeflashError } from '../../../common/errors';
import type { DecoderChoice } from './decoder';
import { decompressToFile, flushToDisk } from './decompress';
import { detectImageFormat, type ImageFormat, type RawLayout } from './detect-format';
import { identify, recallFileHash, rememberFileHash } from './file-hash-memo';
import { sha256File } from './hashing';
import { ImageCache } from './image-cache';
import {
  cancelled,
  checksumMismatch,
  formatBytes,
  ImageError,
  normaliseSha256,
} from './image-error';
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
  /** sha256 of the raw image, and of the source file (equal for a raw image). */
  sha256: string;
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
 * raw image in place or decompress into the cache keyed by the source's sha256 (streaming,
 * hashing both sides, verifying, renaming into place only when complete). A damaged archive,
 * a checksum mismatch or a cancel leaves nothing in the cache.
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
      sha256: sourceSha256,
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
    checkPublishedImage(shared, checked, `The image inside ${name}`, path);
    return {
      ...shared,
      source: path,
      fromCache: true,
      decoder: null,
      release: cache.pin(sourceSha256),
    };
  }
  const work = fromCacheOrDecompress(cache, path, format, sourceSha256, checked);
  inFlight.set(key, work);
  try {
    return await work;
  } finally {
    inFlight.delete(key);
  }
}

async function fromCacheOrDecompress(
  cache: ImageCache,
  path: string,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
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
        sha256: cached.sha256,
        sourceSha256,
        fromCache: true,
        decoder: null,
        layout: null,
        release,
      };
    }
    return await decompressIntoCache(cache, path, format, sourceSha256, options, release);
  } catch (error) {
    release();
    throw error;
  }
}

async function decompressIntoCache(
  cache: ImageCache,
  path: string,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
  release: () => void,
): Promise<PreparedImage> {
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

    const verifying = new PhaseProgress('verifying', result.size, options.onProgress, options.now);
    await flushToDisk(tempPath);
    if (result.sourceSha256 !== null && result.sourceSha256 !== sourceSha256) {
      throw new ImageError(
        'checksum-mismatch',
        `${name} changed while it was being read (sha256 ${sourceSha256} before, ${result.sourceSha256} while decompressing). Wait until it is completely copied or downloaded, then choose it again.`,
        path,
      );
    }
    checkPublishedImage(result, options, `The image inside ${name}`, path);
    verifying.read(result.size);
    verifying.finish();

    const now = new Date().toISOString();
    await cache.insert(
      {
        sourceSha256,
        sha256: result.sha256,
        size: result.size,
        format,
        sourceName: name,
        createdAt: now,
        lastUsedAt: now,
      },
      tempPath,
    );
    return {
      source: path,
      format,
      rawPath: cache.imagePath(sourceSha256),
      size: result.size,
      sha256: result.sha256,
      sourceSha256,
      fromCache: false,
      decoder: result.decoder,
      layout: null,
      release,
    };
  } catch (error) {
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    zip?.close();
  }
}

async function checkIsFile(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ImageError(
        'not-found',
        `${path} does not exist. Choose the image file again.`,
        path,
      );
    }
    throw error;
  }
  if (!info.isFile()) {
    const what = info.isDirectory() ? 'a folder' : 'not a regular file';
    throw new ImageError(
      'not-a-file',
      `${path} is ${what}. Choose an image file (.img, .img.xz, .zip, .gz, .bz2 or .zst).`,
      path,
    );
  }
}

function checkHex(value: string | undefined, field: string): string | null {
  if (value === undefined || value === '') return null;
  const hex = normaliseSha256(value);
  if (!hex) {
    throw new KubeflashError(
      'invalid-request',
      `${field} must be a sha256 checksum (64 hex digits), not "${value}".`,
      field,
    );
  }
  return hex;
}

/** The raw image must be the one the catalog published: its checksum and size, where given. */
function checkPublishedImage(
  image: { sha256: string; size: number },
  published: { expectedExtractSha256?: string; expectedExtractSize?: number },
  what: string,
  path: string,
): void {
  const { expectedExtractSha256, expectedExtractSize } = published;
  if (expectedExtractSha256 && image.sha256 !== expectedExtractSha256) {
    throw checksumMismatch(what, path, expectedExtractSha256, image.sha256);
  }
  checkSize(expectedExtractSize, image.size, what, path);
}

function checkSize(expected: number | undefined, actual: number, what: string, path: string): void {
  if (expected === undefined || expected === actual) return;
  throw new ImageError(
    'size-mismatch',
    `${what} is ${actual} bytes, but ${expected} bytes were published. The file is not the published one: download it again.`,
    path,
  );
}

async function checkFreeSpace(
  dir: string,
  bytes: number,
  name: string,
  path: string,
): Promise<void> {
  const info = await statfs(dir).catch(() => null);
  if (!info) return;
  const free = info.bavail * info.bsize;
  if (free < bytes) {
    throw new ImageError(
      'no-space',
      `Decompressing ${name} needs ${formatBytes(bytes)} in ${dir}, but only ${formatBytes(free)} is free. Free some space or clear the image cache in Settings.`,
      path,
    );
  }
}
