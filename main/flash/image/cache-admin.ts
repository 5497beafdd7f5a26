import { type CacheInfo, type ClearResult, ImageCache } from './image-cache';

export interface CacheLocation {
  cacheDir: string;
  maxCacheBytes: number;
}

/** What the image cache holds (for Settings and `kubeflash images`). */
export async function cacheInfo({ cacheDir, maxCacheBytes }: CacheLocation): Promise<CacheInfo> {
  return (await ImageCache.open(cacheDir, maxCacheBytes)).info();
}

/** Empty the image cache, except images in use by this process. */
export async function clearCache({ cacheDir, maxCacheBytes }: CacheLocation): Promise<ClearResult> {
  return (await ImageCache.open(cacheDir, maxCacheBytes)).clear();
}
