import { isAbsolute, resolve } from 'node:path';

import { KubeflashError } from '../../common/errors';
import {
  type CatalogImage,
  downloadImage,
  downloadPath,
  type GrowingImage,
  type ImageProgress,
  type PreparedImage,
  prepareImage,
  publishedChecksum,
} from './image';

/** An image as a plan or the CLI names it: a file, or a catalog entry's id. */
export type ImageReference = { kind: 'file'; path: string } | { kind: 'catalog'; id: string };

/** A path (has a slash or an image-like ending) is a file; anything else a catalog id. */
export function parseImageReference(text: string, cwd = process.cwd()): ImageReference {
  const looksLikePath =
    isAbsolute(text) || /[\\/]/.test(text) || /\.(img|xz|gz|zip|bz2|zst)$/i.test(text);
  return looksLikePath ? { kind: 'file', path: resolve(cwd, text) } : { kind: 'catalog', id: text };
}

/** Progress of an image step: its download (catalog entries), then its preparation. */
export type ImageStepProgress = ImageProgress & { step: 'download' | 'prepare' };

export interface ResolveImageOptions {
  cacheDir: string;
  maxCacheBytes: number;
  catalog: () => Promise<CatalogImage[]>;
  onProgress?: (progress: ImageStepProgress) => void;
  /** See PrepareImageOptions.onGrowing. */
  onGrowing?: (image: GrowingImage) => void;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

/**
 * The raw image to write for a reference: a local file is checked and decompressed once into the
 * cache; a catalog entry is downloaded (resumable) and checked against its published checksum.
 */
export async function resolveImage(
  reference: ImageReference,
  options: ResolveImageOptions,
): Promise<PreparedImage> {
  const prepare = (
    path: string,
    expected: Partial<Record<'sha256' | 'extractSha256', string>> & { extractSize?: number } = {},
  ) =>
    prepareImage(path, {
      cacheDir: options.cacheDir,
      maxCacheBytes: options.maxCacheBytes,
      expectedSha256: expected.sha256,
      expectedExtractSha256: expected.extractSha256,
      expectedExtractSize: expected.extractSize,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ ...p, step: 'prepare' }),
      onGrowing: options.onGrowing,
    });
  if (reference.kind === 'file') return prepare(reference.path);

  const images = await options.catalog();
  const image = images.find((i) => i.id === reference.id);
  if (!image) {
    throw new KubeflashError(
      'not-found',
      `No image "${reference.id}" in the catalog. Known: ${images.map((i) => i.id).join(', ') || 'none'} — or give a file path`,
      reference.id,
    );
  }
  let sha256 = image.downloadSha256 ?? undefined;
  if (!sha256 && image.checksum === 'sidecar') {
    const published = await publishedChecksum(image, {
      fetch: options.fetch ?? fetch,
      signal: options.signal,
    });
    sha256 = published.sha256 ?? undefined;
  }
  const dest = downloadPath(options.cacheDir, image.url);
  await downloadImage(image.url, {
    dest,
    expectedSize: image.downloadSize ?? undefined,
    expectedSha256: sha256,
    cacheDir: options.cacheDir,
    signal: options.signal,
    fetch: options.fetch,
    onProgress: (p) => options.onProgress?.({ ...p, step: 'download' }),
  });
  return prepare(dest, {
    sha256,
    extractSha256: image.extractSha256 ?? undefined,
    extractSize: image.extractSize ?? undefined,
  });
}
