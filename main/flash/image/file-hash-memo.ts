import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { z } from 'zod';

import { readJsonFile, writeJsonFile } from './json-file';
import { withLock } from './serial-lock';

/**
 * Remembered sha256 of files (raw images used in place, downloaded archives), keyed by path,
 * size, modification time and inode: a second use of an unchanged file needs no re-reading.
 * Any change to the file (even a touch) makes it hash again.
 */

const MAX_FILES = 500;

const Remembered = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  ino: z.number(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  usedAt: z.string(),
});
type Remembered = z.infer<typeof Remembered>;

const MemoFile = z.object({ version: z.literal(1), files: z.array(Remembered) });
type MemoFile = z.infer<typeof MemoFile>;

const empty = (): MemoFile => ({ version: 1, files: [] });

export interface FileIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ino: number;
}

export async function identify(path: string): Promise<FileIdentity> {
  const info = await stat(path);
  return { path: resolve(path), size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
}

function memoPath(cacheDir: string): string {
  return join(cacheDir, 'file-hashes.json');
}

/** The same version of the same file (nothing wrote to it in between). */
export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

/** The sha256 remembered for this exact file version, or null. */
export async function recallFileHash(cacheDir: string, file: FileIdentity): Promise<string | null> {
  const memo = await readJsonFile(memoPath(cacheDir), MemoFile, empty);
  return memo.files.find((entry) => sameFile(entry, file))?.sha256 ?? null;
}

/** Remember a file's sha256 (replacing what was known about that path). */
export async function rememberFileHash(
  cacheDir: string,
  file: FileIdentity,
  sha256: string,
): Promise<void> {
  await withLock(resolve(cacheDir), async () => {
    const path = memoPath(cacheDir);
    const memo = await readJsonFile(path, MemoFile, empty);
    const entry: Remembered = { ...file, sha256, usedAt: new Date().toISOString() };
    const files = [entry, ...memo.files.filter((other) => other.path !== file.path)].slice(
      0,
      MAX_FILES,
    );
    await writeJsonFile(path, { version: 1, files } satisfies MemoFile);
  });
}
