import { execFile } from 'node:child_process';
import { basename } from 'node:path';

import { ImageError } from './image-error';

/**
 * The size of the image inside an .xz file, from the index at its end (`xz --robot --list`, a
 * few milliseconds for any size). A file cut short or damaged has no readable index: refused
 * here, before anything is decompressed or written. `xz` is the system tool's path.
 */
export function xzUncompressedSize(xz: string, path: string): Promise<number> {
  const name = basename(path);
  return new Promise((resolve, reject) => {
    execFile(
      xz,
      ['--robot', '--list', '--', path],
      { timeout: 30_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const totals = /^totals\t(.*)$/m.exec(stdout)?.[1]?.split('\t');
        const size = Number(totals?.[3]);
        if (!error && Number.isSafeInteger(size) && size > 0) return resolve(size);
        const detail = error ? (firstComplaint(stderr, path) ?? error.message) : 'it lists no data';
        reject(
          new ImageError(
            'corrupt-archive',
            `${name} is cut short (truncated) or damaged: the index at the end of its xz data cannot be read (${detail}). Download it again.`,
            path,
          ),
        );
      },
    );
  });
}

function firstComplaint(stderr: string, path: string): string | undefined {
  return stderr
    .split('\n')
    .find((line) => line.trim())
    ?.replace(/^xz:\s*/, '')
    .replace(`${path}: `, '');
}
