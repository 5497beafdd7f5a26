import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { z } from 'zod';

import { readJsonFile, writeJsonFile } from './json-file';
import { withLock } from './serial-lock';

/**
 * The cache of decompressed images. Layout of the cache folder:
 *   index.json          what is cached (atomic writes)
 *   images/<sha>.img    a raw image, named by the sha256 of the archive it came from
 *   tmp/                decompressions in progress (renamed into images/ when complete, and
 *                       listed in the index once hashed and flushed)
 *   downloads/          downloaded archives (and their .part files)
 * Keyed by the source's sha256, so renaming or moving an archive still finds its image. Least
 * recently used images are evicted to stay within the size limit; an image in use (pinned by
 * this process) is never evicted or cleared.
 */

export const CacheEntry = z.object({
  /** sha256 of the archive the image was decompressed from: the key. */
  sourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * sha256 of the raw image; null until a published image checksum asked for it. The archive's
   * sha256 (the key) identifies the image, and every supported archive format checks its own
   * data as it is decompressed: hashing 1 GiB more only pays where there is something to compare.
   */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  /** Size of the raw image. */
  size: z.number().int().nonnegative(),
  format: z.enum(['xz', 'gzip', 'zip', 'bzip2', 'zstd']),
  /** The archive's file name when it was added (for display only). */
  sourceName: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string(),
});
export type CacheEntry = z.infer<typeof CacheEntry>;

const CacheIndex = z.object({ version: z.literal(1), entries: z.array(CacheEntry) });
type CacheIndex = z.infer<typeof CacheIndex>;

const emptyIndex = (): CacheIndex => ({ version: 1, entries: [] });

export interface CacheInfo {
  dir: string;
  maxBytes: number;
  /** Cached images, most recently used first, each with its path. */
  entries: (CacheEntry & { path: string; inUse: boolean })[];
  imageBytes: number;
  downloadBytes: number;
  totalBytes: number;
}

export interface ClearResult {
  removedEntries: number;
  freedBytes: number;
  /** Images in use that were kept. */
  keptEntries: number;
}

/** Files older than this in tmp/ (and images/ files the index does not list) are leftovers. */
const STALE_MS = 10 * 60 * 1000;

const pins = new Map<string, number>();

export class ImageCache {
  readonly dir: string;

  private constructor(
    dir: string,
    readonly maxBytes: number,
  ) {
    this.dir = resolve(dir);
  }

  /** Open (and create) a cache folder; removes leftovers of interrupted work. */
  static async open(dir: string, maxBytes: number): Promise<ImageCache> {
    const cache = new ImageCache(dir, maxBytes);
    for (const sub of ['images', 'tmp', 'downloads']) {
      await mkdir(join(cache.dir, sub), { recursive: true });
    }
    await cache.locked(() => cache.removeLeftovers(false));
    return cache;
  }

  get indexPath(): string {
    return join(this.dir, 'index.json');
  }

  get downloadsDir(): string {
    return join(this.dir, 'downloads');
  }

  imagePath(sourceSha256: string): string {
    return join(this.dir, 'images', `${sourceSha256}.img`);
  }

  /** A fresh path in tmp/ for a decompression in progress. */
  tempPath(): string {
    return join(this.dir, 'tmp', `${randomBytes(8).toString('hex')}.img.part`);
  }

  /** The cached image of this source, marked as just used; null when absent or damaged. */
  async lookup(sourceSha256: string): Promise<CacheEntry | null> {
    return this.locked(async () => {
      const index = await this.readIndex();
      const entry = index.entries.find((e) => e.sourceSha256 === sourceSha256);
      if (!entry) return null;
      const size = await fileSize(this.imagePath(sourceSha256));
      if (size !== entry.size) {
        // Deleted or damaged behind our back: forget it, it will be decompressed again.
        await rm(this.imagePath(sourceSha256), { force: true });
        await this.writeIndex({ ...index, entries: index.entries.filter((e) => e !== entry) });
        return null;
      }
      const used = { ...entry, lastUsedAt: new Date().toISOString() };
      await this.writeIndex({
        ...index,
        entries: index.entries.map((e) => (e === entry ? used : e)),
      });
      return used;
    });
  }

  /**
   * Move a complete, verified image from tmp/ into the cache and record it, then evict least
   * recently used images (never pinned ones, nor this one) until the cache fits its limit.
   */
  async insert(entry: CacheEntry, tempPath: string): Promise<void> {
    await this.adopt(tempPath, entry.sourceSha256);
    await this.record(entry);
  }

  /**
   * Move a complete image from tmp/ to its place, not yet listed: usable by this process (pin
   * it first), invisible to lookups, and removed as a leftover if it is never recorded.
   */
  async adopt(tempPath: string, sourceSha256: string): Promise<void> {
    await this.locked(() => rename(tempPath, this.imagePath(sourceSha256)));
  }

  /** List an adopted image (it is on disk, flushed and checked), then evict as insert does. */
  async record(entry: CacheEntry): Promise<void> {
    await this.locked(async () => {
      const index = await this.readIndex();
      const entries = [
        entry,
        ...index.entries.filter((e) => e.sourceSha256 !== entry.sourceSha256),
      ];
      await this.writeIndex({ ...index, entries });
      await this.evict(0, entry.sourceSha256);
    });
  }

  /** Note the raw image's sha256, taken after it was listed (see CacheEntry.sha256). */
  async noteImageSha256(sourceSha256: string, sha256: string): Promise<void> {
    await this.locked(async () => {
      const index = await this.readIndex();
      const entries = index.entries.map((e) =>
        e.sourceSha256 === sourceSha256 ? { ...e, sha256 } : e,
      );
      await this.writeIndex({ ...index, entries });
    });
  }

  /** Remove an adopted image that will not be recorded (it failed its checks). */
  async discard(sourceSha256: string): Promise<void> {
    await this.locked(async () => {
      const index = await this.readIndex();
      if (index.entries.some((e) => e.sourceSha256 === sourceSha256)) return;
      await rm(this.imagePath(sourceSha256), { force: true });
    });
  }

  /** Evict least recently used images so that `bytes` more fit within the limit. */
  async makeRoom(bytes: number): Promise<void> {
    await this.locked(() => this.evict(bytes, null));
  }

  /** Keep this image from eviction and clearing until the returned function is called. */
  pin(sourceSha256: string): () => void {
    const key = this.imagePath(sourceSha256);
    pins.set(key, (pins.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (pins.get(key) ?? 1) - 1;
      if (count > 0) pins.set(key, count);
      else pins.delete(key);
    };
  }

  isPinned(sourceSha256: string): boolean {
    return (pins.get(this.imagePath(sourceSha256)) ?? 0) > 0;
  }

  async info(): Promise<CacheInfo> {
    return this.locked(async () => {
      const index = await this.readIndex();
      const entries = [...index.entries]
        .sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt))
        .map((e) => ({
          ...e,
          path: this.imagePath(e.sourceSha256),
          inUse: this.isPinned(e.sourceSha256),
        }));
      const imageBytes = entries.reduce((sum, e) => sum + e.size, 0);
      const downloadBytes = await folderBytes(this.downloadsDir);
      return {
        dir: this.dir,
        maxBytes: this.maxBytes,
        entries,
        imageBytes,
        downloadBytes,
        totalBytes: imageBytes + downloadBytes,
      };
    });
  }

  /** Remove every cached image not in use, the downloads and any leftovers. */
  async clear(): Promise<ClearResult> {
    return this.locked(async () => {
      const index = await this.readIndex();
      const kept = index.entries.filter((e) => this.isPinned(e.sourceSha256));
      const removed = index.entries.filter((e) => !this.isPinned(e.sourceSha256));
      for (const entry of removed) await rm(this.imagePath(entry.sourceSha256), { force: true });
      await this.writeIndex({ ...index, entries: kept });
      let freedBytes = removed.reduce((sum, e) => sum + e.size, 0);
      freedBytes += await this.clearDownloads();
      await this.removeLeftovers(true);
      return { removedEntries: removed.length, freedBytes, keptEntries: kept.length };
    });
  }

  /** Downloaded files, except a .part that is still being written (fresh mtime). */
  private async clearDownloads(): Promise<number> {
    let freed = 0;
    const now = Date.now();
    for (const name of await readdir(this.downloadsDir).catch(() => [] as string[])) {
      const path = join(this.downloadsDir, name);
      const info = await stat(path).catch(() => null);
      if (!info?.isFile()) continue;
      if (name.endsWith('.part') && now - info.mtimeMs < STALE_MS) continue;
      await rm(path, { force: true });
      freed += info.size;
    }
    return freed;
  }

  private async evict(extraBytes: number, keep: string | null): Promise<void> {
    const index = await this.readIndex();
    let total = index.entries.reduce((sum, e) => sum + e.size, 0);
    const oldestFirst = [...index.entries].sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt));
    const evicted = new Set<CacheEntry>();
    for (const entry of oldestFirst) {
      if (total + extraBytes <= this.maxBytes) break;
      if (entry.sourceSha256 === keep || this.isPinned(entry.sourceSha256)) continue;
      await rm(this.imagePath(entry.sourceSha256), { force: true });
      evicted.add(entry);
      total -= entry.size;
    }
    if (evicted.size > 0) {
      await this.writeIndex({ ...index, entries: index.entries.filter((e) => !evicted.has(e)) });
    }
  }

  /** Temp files of interrupted decompressions, and image files the index does not list. */
  private async removeLeftovers(all: boolean): Promise<void> {
    const now = Date.now();
    const index = await this.readIndex();
    const listed = new Set(index.entries.map((e) => `${e.sourceSha256}.img`));
    for (const [sub, keep] of [
      ['tmp', (_: string) => false],
      ['images', (name: string) => listed.has(name)],
    ] as const) {
      const dir = join(this.dir, sub);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        // An adopted image this process is still checking is pinned, though not yet listed.
        if (keep(name) || pins.has(join(dir, name))) continue;
        const path = join(dir, name);
        const info = await stat(path).catch(() => null);
        if (!info) continue;
        // A decompression in progress (here or in another process) keeps its file's mtime fresh.
        if (all && sub === 'images') await rm(path, { force: true });
        else if (now - info.mtimeMs > STALE_MS) await rm(path, { force: true });
      }
    }
  }

  private readIndex(): Promise<CacheIndex> {
    return readJsonFile(this.indexPath, CacheIndex, emptyIndex);
  }

  private writeIndex(index: CacheIndex): Promise<void> {
    return writeJsonFile(this.indexPath, index);
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    return withLock(this.dir, work);
  }
}

async function fileSize(path: string): Promise<number | null> {
  try {
    return (await stat(path)).size;
  } catch {
    return null;
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const info = await stat(join(dir, name)).catch(() => null);
    if (info?.isFile()) total += info.size;
  }
  return total;
}
