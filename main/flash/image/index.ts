/**
 * Image sources for flashing: detect the format by content, decompress once into a cache
 * (keyed by the source's sha256, LRU-bounded), download with resume and checksum checks, and
 * the OS catalog in Raspberry Pi Imager's os_list format.
 */
export { cacheInfo, type CacheLocation, clearCache } from './cache-admin';
export * from './catalog';
export { type DecoderChoice } from './decoder';
export {
  classifyHead,
  type CompressedFormat,
  type DetectedFormat,
  detectImageFormat,
  type HeadKind,
  type ImageFormat,
  type RawLayout,
} from './detect-format';
export {
  downloadImage,
  type DownloadOptions,
  downloadPath,
  type DownloadResult,
  type Fetcher,
} from './download-image';
export { identify, rememberFileHash } from './file-hash-memo';
export { type GrowingImage } from './growing-image';
export { sha256File } from './hashing';
export { type CacheEntry, type CacheInfo, type ClearResult, ImageCache } from './image-cache';
export { ImageError, type ImageProblem } from './image-error';
export { ImageExtent } from './image-extent';
export { type ImagePhase, type ImageProgress, type ProgressListener } from './image-progress';
export { type PreparedImage, prepareImage, type PrepareImageOptions } from './prepare-image';
export { type MeterOptions, type MeterSample, ProgressMeter } from './progress-meter';
