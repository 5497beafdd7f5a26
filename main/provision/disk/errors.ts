import { type ErrorCode, KubeflashError } from '../../../common/errors';

/** What is wrong with an image or card, for callers that react differently to each. */
export type DiskProblem =
  | 'not-found'
  | 'permission-denied'
  | 'read-only'
  | 'empty'
  | 'compressed'
  | 'not-a-disk'
  | 'truncated'
  | 'no-boot-partition'
  | 'unsupported-filesystem'
  | 'boot-file-missing'
  | 'invalid-payload'
  | 'write-failed'
  | 'verify-failed'
  | 'unrecognised-os';

const codeOf: Record<DiskProblem, ErrorCode> = {
  'not-found': 'not-found',
  'permission-denied': 'permission-denied',
  'read-only': 'permission-denied',
  empty: 'invalid-file',
  compressed: 'invalid-file',
  'not-a-disk': 'invalid-file',
  truncated: 'invalid-file',
  'no-boot-partition': 'invalid-file',
  'unsupported-filesystem': 'invalid-file',
  'boot-file-missing': 'invalid-file',
  'invalid-payload': 'invalid-request',
  'write-failed': 'unavailable',
  'verify-failed': 'unavailable',
  'unrecognised-os': 'invalid-file',
};

/** A KubeflashError about a disk image or card, with the specific problem attached. */
export class DiskError extends KubeflashError {
  constructor(
    readonly problem: DiskProblem,
    message: string,
    subject?: string,
  ) {
    super(codeOf[problem], message, subject);
  }
}

export function mib(bytes: number): string {
  const value = bytes / (1024 * 1024);
  return `${Number.isInteger(value) ? value : value.toFixed(1)} MiB`;
}

const ioCodes = new Set(['EPERM', 'EROFS', 'EACCES', 'EIO', 'ENXIO', 'ENODEV', 'ENOSPC']);

/** An operating-system error about the disk itself (not a FAT-level one from fatfs). */
export function isIoError(error: unknown): boolean {
  return ioCodes.has((error as NodeJS.ErrnoException | null)?.code ?? '');
}

/**
 * An operating-system I/O error while reading or writing a card, as a DiskError that says what
 * to do; anything else is returned as it was.
 */
export function ioError(error: unknown, target: string): unknown {
  if (error instanceof KubeflashError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'EPERM':
    case 'EROFS':
    case 'EACCES':
      return new DiskError(
        'read-only',
        `${target} cannot be written (${code}): the card may be locked. Slide its lock switch to unlock it and insert it again.`,
        target,
      );
    case 'EIO':
    case 'ENXIO':
    case 'ENODEV':
    case 'ENOSPC':
      return new DiskError(
        'write-failed',
        `${target} failed while being written (${code}): the card was removed or is faulty. Insert it again or try another card.`,
        target,
      );
    default:
      return error;
  }
}
