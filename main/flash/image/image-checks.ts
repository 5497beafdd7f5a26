// The checks prepareImage makes of its arguments, of the source file and of the raw image.
import { stat, statfs } from 'node:fs/promises';

import { KubeflashError } from '../../../common/errors';
import { checksumMismatch, formatBytes, ImageError, normaliseSha256 } from './image-error';

/** The source must be an existing regular file. */
export async function checkIsFile(path: string): Promise<void> {
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

/** A sha256 argument, normalised (lower-case hex); null when not given. */
export function checkHex(value: string | undefined, field: string): string | null {
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

/**
 * The raw image must be the one the catalog published: its checksum and size, where given. Its
 * sha256 may be null (not taken) only when no checksum was published.
 */
export function checkPublishedImage(
  image: { sha256: string | null; size: number },
  published: { expectedExtractSha256?: string; expectedExtractSize?: number },
  what: string,
  path: string,
): void {
  const { expectedExtractSha256, expectedExtractSize } = published;
  if (expectedExtractSha256 && image.sha256 === null) {
    throw new Error(`${what} was not hashed, but a published checksum is to be compared.`);
  }
  if (expectedExtractSha256 && image.sha256 !== expectedExtractSha256) {
    throw checksumMismatch(what, path, expectedExtractSha256, image.sha256!);
  }
  checkSize(expectedExtractSize, image.size, what, path);
}

export function checkSize(
  expected: number | undefined,
  actual: number,
  what: string,
  path: string,
): void {
  if (expected === undefined || expected === actual) return;
  throw new ImageError(
    'size-mismatch',
    `${what} is ${actual} bytes, but ${expected} bytes were published. The file is not the published one: download it again.`,
    path,
  );
}

export async function checkFreeSpace(
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
