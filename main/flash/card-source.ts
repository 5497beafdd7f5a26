import { randomBytes } from 'node:crypto';
import { link, rm } from 'node:fs/promises';

import type { DiskTarget } from '../provision/disk';
import { withGrowingDisk } from './growing-disk';
import type { GrowingImage, PreparedImage } from './image';

/** What a card is written from: a prepared image, or one still being decompressed. */
export interface CardSource {
  /** The file the writer reads. */
  path: string;
  size: number;
  /** Set while the image is still being decompressed. */
  growing: GrowingImage | null;
  /** The image was ready before this flash: nothing was decompressed or hashed for it. */
  fromCache: boolean;
  /** Runs `fn` on the image as a DiskTarget (waiting for a growing image's ranges). */
  detect<T>(fn: (target: DiskTarget) => Promise<T>): Promise<T>;
  /** Settles once the image is complete and may be relied on (PreparedImage.verified). */
  checked: Promise<unknown>;
  /** Lets the cache evict the image again, and removes a growing image's link. */
  release(): Promise<void>;
}

export function preparedSource(image: PreparedImage): CardSource {
  return {
    path: image.rawPath,
    size: image.size,
    growing: null,
    fromCache: image.fromCache,
    detect: (fn) => fn(image.rawPath),
    checked: image.verified,
    release: async () => image.release(),
  };
}

export function growingSource(
  growing: GrowingImage,
  path: string,
  preparing: Promise<PreparedImage>,
  signal: AbortSignal,
): CardSource {
  const checked = preparing.then((image) => image.verified);
  checked.catch(() => {}); // awaited once a card job runs; a failure before that is thrown there
  return {
    path,
    size: growing.size,
    growing,
    fromCache: false,
    detect: (fn) => withGrowingDisk(path, growing, signal, fn),
    checked,
    release: async () => {
      await rm(path, { force: true });
      preparing.then((image) => image.release()).catch(() => {});
    },
  };
}

/**
 * A second name for a growing image in the same folder, which the writer opens: the first name
 * is renamed into the cache when the image is complete. Null when it is gone already (complete).
 */
export async function linkGrowing(image: GrowingImage): Promise<string | null> {
  const path = `${image.path}.card-${randomBytes(6).toString('hex')}`;
  try {
    await link(image.path, path);
    return path;
  } catch {
    return null;
  }
}
