// How an archive's image gets into the cache and out of it again: looked up, decompressed into a
// temporary file, filed under the archive's sha256, and checked (in the background when a system
// tool wrote it). The raw image is hashed only for a published image checksum (CacheEntry.sha256).
// prepareImage (prepare-image.ts) decides which of these run.
import { rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';

import { type DecompressResult, decompressToFile, flushToDisk } from './decompress';
import type { ImageFormat } from './detect-format';
import { type FileIdentity, identify, sameFile } from './file-hash-memo';
import type { GrowthAnnouncement } from './growing-image';
import { sha256File } from './hashing';
import type { CacheEntry, ImageCache } from './image-cache';
import { checkFreeSpace, checkPublishedImage, checkSize } from './image-checks';
import { ImageError } from './image-error';
import { PhaseProgress } from './image-progress';
import type { PreparedImage, PrepareImageOptions } from './prepare-image';
import { openZipImage } from './zip-image';

/**
 * A listed image's sha256: as listed, else taken now from the file (uncached: its holes cost
 * nothing) and noted in the index. For a published image checksum that arrives after the image
 * was cached without one (e.g. the archive was a local file first, a catalog entry now).
 */
export async function cachedImageSha256(
  cache: ImageCache,
  sourceSha256: string,
  listed: { sha256: string | null; size: number },
  options: Pick<PrepareImageOptions, 'onProgress' | 'now' | 'signal'>,
): Promise<string> {
  if (listed.sha256) return listed.sha256;
  const progress = new PhaseProgress('verifying', listed.size, options.onProgress, options.now);
  const sha256 = await sha256File(cache.imagePath(sourceSha256), {
    uncached: true,
    signal: options.signal,
    onBytes: (bytes) => progress.read(bytes),
  });
  progress.finish();
  await cache.noteImageSha256(sourceSha256, sha256);
  return sha256;
}

/** The cached image of this archive (checked against what was published), or null. */
export async function fromCache(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
): Promise<PreparedImage | null> {
  const release = cache.pin(sourceSha256);
  try {
    const cached = await cache.lookup(sourceSha256);
    if (!cached) {
      release();
      return null;
    }
    const sha256 = options.expectedExtractSha256
      ? await cachedImageSha256(cache, sourceSha256, cached, options)
      : cached.sha256;
    checkPublishedImage(
      { sha256, size: cached.size },
      options,
      `The image inside ${basename(file.path)}`,
      file.path,
    );
    return {
      source: file.path,
      format,
      rawPath: cache.imagePath(sourceSha256),
      size: cached.size,
      sha256: Promise.resolve(sha256),
      verified: Promise.resolve(),
      sourceSha256,
      fromCache: true,
      decoder: null,
      layout: null,
      release,
    };
  } catch (error) {
    release();
    throw error;
  }
}

export async function fromCacheOrDecompress(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  options: PrepareImageOptions,
  growth?: GrowthAnnouncement,
): Promise<PreparedImage> {
  const cached = await fromCache(cache, file, format, sourceSha256, options);
  if (cached) return cached;
  const temp = await decompressToTemp(cache, file, format, options, growth);
  return fileIntoCache(cache, file, format, sourceSha256, temp, options);
}

export interface DecompressedTemp {
  tempPath: string;
  result: DecompressResult;
}

/**
 * Decompress the archive into a new temporary file of the cache (deleted on any failure);
 * `growth` is told how far the image is while it grows, and how it ended.
 */
export async function decompressToTemp(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  options: PrepareImageOptions,
  growth?: GrowthAnnouncement,
): Promise<DecompressedTemp> {
  const { path } = file;
  const name = basename(path);
  const zip = format === 'zip' ? await openZipImage(path) : undefined;
  const tempPath = cache.tempPath();
  growth?.began(tempPath);
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
      hash: options.expectedExtractSha256 !== undefined,
      progress,
      signal: options.signal,
      onKnownSize: growth && ((size) => growth.knownSize(size)),
      onGrowth: growth && ((written) => growth.grew(written)),
    });
    progress.finish();

    // Its sha256 (the cache key) was taken from the same file: it must not have changed since.
    if (!sameFile(file, await identify(path))) {
      throw new ImageError(
        'checksum-mismatch',
        `${name} changed while it was being read (its size or modification time is not what it was when it was hashed). Wait until it is completely copied or downloaded, then choose it again.`,
        path,
      );
    }
    growth?.completed(result.size);
    return { tempPath, result };
  } catch (error) {
    growth?.failed(error);
    await rm(tempPath, { force: true });
    throw error;
  } finally {
    zip?.close();
  }
}

/** A decompressed image into the cache under its archive's sha256, checked and listed. */
export async function fileIntoCache(
  cache: ImageCache,
  file: FileIdentity,
  format: Exclude<ImageFormat, 'raw'>,
  sourceSha256: string,
  { tempPath, result }: DecompressedTemp,
  options: PrepareImageOptions,
): Promise<PreparedImage> {
  const { path } = file;
  const name = basename(path);
  const release = cache.pin(sourceSha256);
  try {
    const what = `The image inside ${name}`;
    const now = new Date().toISOString();
    const entry = (sha256: string | null): CacheEntry => ({
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
    if (result.toolWroteFile) {
      checkSize(options.expectedExtractSize, result.size, what, path);
      await cache.adopt(tempPath, sourceSha256);
      const sha256 = finishInBackground(cache, sourceSha256, entry, options, what, path);
      // The decompressor checked the data; only a published checksum makes a card wait.
      return {
        ...prepared,
        sha256,
        verified: options.expectedExtractSha256 ? sha256 : Promise.resolve(),
      };
    }
    const verifying = new PhaseProgress('verifying', result.size, options.onProgress, options.now);
    await flushToDisk(tempPath);
    checkPublishedImage({ sha256: result.sha256, size: result.size }, options, what, path);
    verifying.read(result.size);
    verifying.finish();
    await cache.insert(entry(result.sha256), tempPath);
    return { ...prepared, sha256: Promise.resolve(result.sha256), verified: Promise.resolve() };
  } catch (error) {
    release();
    await rm(tempPath, { force: true });
    throw error;
  }
}

/**
 * The rest of an image a system tool decompressed (already adopted into the cache): for a
 * published sha256, hash it (uncached: its holes cost nothing) and check it; flush it, list it.
 * Runs while the card is written; on any failure the image is not kept.
 */
function finishInBackground(
  cache: ImageCache,
  sourceSha256: string,
  entry: (sha256: string | null) => CacheEntry,
  published: PrepareImageOptions,
  what: string,
  path: string,
): Promise<string | null> {
  const imagePath = cache.imagePath(sourceSha256);
  const unpin = cache.pin(sourceSha256);
  const finished = (async () => {
    const sha256 = published.expectedExtractSha256
      ? await sha256File(imagePath, { uncached: true })
      : null;
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
