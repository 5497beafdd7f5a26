import { type ErrorCode, KubeflashError } from '../../../common/errors';

/** What is wrong with an image source, for callers (and tests) that react differently to each. */
export type ImageProblem =
  | 'not-found'
  | 'not-a-file'
  | 'empty'
  | 'text-file'
  | 'not-an-image'
  | 'unsupported-archive'
  | 'no-image-in-archive'
  | 'corrupt-archive'
  | 'checksum-mismatch'
  | 'size-mismatch'
  | 'no-space'
  | 'http-error'
  | 'network-error'
  | 'cancelled'
  | 'invalid-catalog';

const codeOf: Record<ImageProblem, ErrorCode> = {
  'not-found': 'not-found',
  'not-a-file': 'invalid-file',
  empty: 'invalid-file',
  'text-file': 'invalid-file',
  'not-an-image': 'invalid-file',
  'unsupported-archive': 'invalid-file',
  'no-image-in-archive': 'invalid-file',
  'corrupt-archive': 'invalid-file',
  'checksum-mismatch': 'invalid-file',
  'size-mismatch': 'invalid-file',
  'no-space': 'unavailable',
  'http-error': 'unavailable',
  'network-error': 'unavailable',
  cancelled: 'unavailable',
  'invalid-catalog': 'invalid-file',
};

/** A KubeflashError about an image file, archive, download or catalog. */
export class ImageError extends KubeflashError {
  constructor(
    readonly problem: ImageProblem,
    message: string,
    subject?: string,
  ) {
    super(codeOf[problem], message, subject);
  }
}

/** The error for a sha256 that is not the expected one; names both so the user can compare. */
export function checksumMismatch(what: string, subject: string, expected: string, actual: string) {
  return new ImageError(
    'checksum-mismatch',
    `${what} has the wrong sha256 checksum: expected ${expected}, got ${actual}. The file is damaged or not the one that was published: download it again, or check the checksum you entered.`,
    subject,
  );
}

export function cancelled(subject: string): ImageError {
  return new ImageError('cancelled', `Preparing ${subject} was cancelled.`, subject);
}

/** Human-readable size for messages ("1.5 GiB"). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A lower-case hex sha256 (64 digits), or null when `value` is not one. */
export function normaliseSha256(value: string | undefined | null): string | null {
  if (!value) return null;
  const hex = value.trim().toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}
