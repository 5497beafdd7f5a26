import { DiskError } from './errors';

/** Characters FAT long names may not contain, besides control characters. */
const FORBIDDEN = /[\\:*?"<>|]/;

function hasForbidden(name: string): boolean {
  return FORBIDDEN.test(name) || [...name].some((c) => c.charCodeAt(0) < 0x20);
}

/**
 * A payload path made safe for the boot partition: '/'-separated, relative, no `.`/`..`,
 * only characters FAT long names allow. Throws a DiskError naming the path otherwise.
 */
export function normalizeBootPath(path: string): string {
  const segments = path.replace(/^\/+/, '').split('/');
  const problem =
    path.trim() === ''
      ? 'it is empty'
      : segments.some((s) => s === '' || s === '.' || s === '..')
        ? 'it has an empty, "." or ".." part'
        : segments.some(hasForbidden)
          ? 'FAT names cannot contain \\ : * ? " < > | or control characters'
          : segments.some((s) => s.length > 255)
            ? 'a name is longer than 255 characters'
            : segments.some((s) => /[. ]$/.test(s))
              ? 'a name ends with a dot or a space'
              : null;
  if (problem) {
    throw new DiskError(
      'invalid-payload',
      `Cannot write ${JSON.stringify(path)} to the boot partition: ${problem}.`,
      path,
    );
  }
  return segments.join('/');
}

/** FAT compares names without case: two payload paths that differ only in case collide. */
export function pathKey(path: string): string {
  return path.toUpperCase();
}
