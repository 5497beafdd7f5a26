import { rm } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import type { DecoderChoice } from './decoder';
import { detectImageFormat, type ImageFormat, type RawLayout } from './detect-format';
import { type FileIdentity, identify, recallFileHash, rememberFileHash } from './file-hash-memo';
import { type GrowingImage, GrowthAnnouncement } from './growing-image';
import { sha256File } from './hashing';
import { ImageCache } from './image-cache';
import { checkHex, checkIsFile, checkPublishedImage, checkSize } from './image-checks';
import { cancelled, checksumMismatch } from './image-error';
import {
  cachedImageSha256,
  decompressToTemp,
  fileIntoCache,
  fromCache,
  fromCacheOrDecompress,
} from './image-into-cache';
import { PhaseProgress, type ProgressListener } from './image-progress';

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
  /**
   * Told of an image decompressed for this call while it is still growing (a system tool
   * decompressing an .xz, whose index gives the size): a card can be written meanwhile. The
   * returned promise still settles once the image is complete and in the cache, or failed.
   */
  onGrowing?: (image: GrowingImage) => void;
}

export interface PreparedImage {
  /** The source as given, resolved. */
  source: string;
  format: ImageFormat;
  /** The raw image to write: the source itself for a raw image, else the cached image. */
  rawPath: string;
  size: number;
  /**
   * sha256 of the raw image, checked against the published one (rejects with checksum-mismatch);
   * null when nothing asked for it (no published image checksum: see CacheEntry.sha256). Known
   * at once, except for an image a system tool just decompressed: that one is hashed (when
   * asked), flushed and listed in the cache in the background, while the card is being written.
   * Settles once the image is listed.
   */
  sha256: Promise<string | null>;
  /**
   * Settles once a card may rely on the image: at once when no published checksum is left to
   * compare (every supported archive format checks its own data as it is decompressed), else
   * with that comparison of `sha256` (rejecting on a mismatch).
   */
  verified: Promise<unknown>;
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
 * listed in the cache only once complete, hashed, checked and flushed). An archive seen for the
 * first time is hashed while it is already being decompressed: the hash, known long before the
 * image, then files it, finds it already cached (the decompression is dropped) or refuses it.
 * A damaged archive, a checksum mismatch or a cancel leaves nothing in the cache.
 */
export async function prepareImage(
  source: string,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
  const path = resolve(source);
  const name = basename(path);
  const expectedSha256 = checkHex(options.expectedSha256, 'expectedSha256');
  const expectedExtractSha256 = checkHex(options.expectedExtractSha256, 'expectedExtractSha256');
  const checked = { ...options, expectedExtractSha256: expectedExtractSha256 ?? undefined };

  await checkIsFile(path);
  const { format, layout } = await detectImageFormat(path);
  const cache = await ImageCache.open(options.cacheDir, options.maxCacheBytes);

  const file = await identify(path);
  const remembered = await recallFileHash(cache.dir, file);
  /** The source's sha256, remembered, then checked against the published one. */
  const hashSource = async (progress: PhaseProgress | null): Promise<string> => {
    const sha256 = await sha256File(path, {
      signal: options.signal,
      onBytes: (bytes) => progress?.read(bytes),
    }).catch((error: unknown) => {
      throw options.signal?.aborted ? cancelled(name) : error;
    });
    progress?.finish();
    await rememberFileHash(cache.dir, file, sha256);
    return checkSource(sha256);
  };
  const checkSource = (sha256: string): string => {
    if (expectedSha256 && sha256 !== expectedSha256) {
      throw checksumMismatch(name, path, expectedSha256, sha256);
    }
    return sha256;
  };

  if (format === 'raw') {
    const sourceSha256 = remembered
      ? checkSource(remembered)
      : await hashSource(new PhaseProgress('hashing', file.size, options.onProgress, options.now));
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
      verified: Promise.resolve(),
      sourceSha256,
      fromCache: remembered !== null,
      decoder: null,
      layout,
      release: () => {},
    };
  }

  if (remembered) {
    const sourceSha256 = checkSource(remembered);
    const growth = options.onGrowing
      ? new GrowthAnnouncement(options.onGrowing, { confirmed: true })
      : undefined;
    return (
      joinRunning(cache, file, sourceSha256, checked) ??
      startPreparation(cache, sourceSha256, () =>
        fromCacheOrDecompress(cache, file, format, sourceSha256, checked, growth),
      )
    );
  }

  // First sight of this file: decompress at once and hash it meanwhile (both read it, mostly
  // from the page cache once one of them has); the hash is known long before the image.
  const speculation = new AbortController();
  // Announced as growing only once the hash says this decompression is the one kept.
  const growth = options.onGrowing
    ? new GrowthAnnouncement(options.onGrowing, { confirmed: false })
    : undefined;
  const decompressing = decompressToTemp(
    cache,
    file,
    format,
    {
      ...checked,
      signal: options.signal
        ? AbortSignal.any([options.signal, speculation.signal])
        : speculation.signal,
    },
    growth,
  );
  decompressing.catch(() => {}); // awaited or dropped below, never unhandled
  const drop = async () => {
    speculation.abort();
    await decompressing.then((temp) => rm(temp.tempPath, { force: true })).catch(() => {});
  };
  let sourceSha256: string;
  try {
    sourceSha256 = await hashSource(null);
  } catch (error) {
    await drop();
    throw error;
  }
  const joined = joinRunning(cache, file, sourceSha256, checked);
  if (joined) {
    await drop();
    return joined;
  }
  return startPreparation(cache, sourceSha256, async () => {
    const cached = await fromCache(cache, file, format, sourceSha256, checked);
    if (cached) {
      await drop();
      return cached;
    }
    growth?.confirm();
    return fileIntoCache(cache, file, format, sourceSha256, await decompressing, checked);
  });
}

function flightKey(cache: ImageCache, sourceSha256: string): string {
  return `${cache.dir}\0${sourceSha256}`;
}

/** The image of this archive when another caller in this process is preparing it already. */
function joinRunning(
  cache: ImageCache,
  file: FileIdentity,
  sourceSha256: string,
  published: PrepareImageOptions,
): Promise<PreparedImage> | null {
  const running = inFlight.get(flightKey(cache, sourceSha256));
  if (!running) return null;
  return running.then((shared) => {
    // Prepared without a published image checksum, joined with one: hash the listed image then.
    const known = published.expectedExtractSha256
      ? shared.sha256.then((value) =>
          cachedImageSha256(cache, sourceSha256, { sha256: value, size: shared.size }, published),
        )
      : shared.sha256;
    const sha256 = checkedLater(
      { sha256: known, size: shared.size },
      published,
      `The image inside ${basename(file.path)}`,
      file.path,
    );
    return {
      ...shared,
      source: file.path,
      sha256,
      verified: published.expectedExtractSha256 ? sha256 : shared.verified,
      fromCache: true,
      decoder: null,
      release: cache.pin(sourceSha256),
    };
  });
}

/** Runs a preparation, shared with later callers until its image is completely checked. */
function startPreparation(
  cache: ImageCache,
  sourceSha256: string,
  prepare: () => Promise<PreparedImage>,
): Promise<PreparedImage> {
  const key = flightKey(cache, sourceSha256);
  const work = prepare();
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
  image: { sha256: Promise<string | null>; size: number },
  published: { expectedExtractSha256?: string; expectedExtractSize?: number },
  what: string,
  path: string,
): Promise<string | null> {
  checkSize(published.expectedExtractSize, image.size, what, path);
  const sha256 = image.sha256.then((value) => {
    checkPublishedImage({ sha256: value, size: image.size }, published, what, path);
    return value;
  });
  sha256.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  return sha256;
}
