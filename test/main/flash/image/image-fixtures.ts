import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { open, truncate } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { CompressedFormat, PreparedImage } from '../../../../main/flash/image';
import { hasCommand } from '../../../support/prerequisites';

/**
 * Small raw disk images (an MBR written by sfdisk, random data in the partitions) and their
 * compressed forms made by the system tools a publisher uses (xz -T2, gzip, zip, bzip2, zstd).
 */

export interface RawFixture {
  path: string;
  size: number;
  sha256: string;
}

export const MiB = 1024 * 1024;

/**
 * A prepared image once it is completely checked: its sha256 (which may be computed in the
 * background) awaited, so a published-checksum mismatch fails here too.
 */
export async function ready(preparing: Promise<PreparedImage>) {
  const image = await preparing;
  return { ...image, sha256: await image.sha256 };
}

export function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** `sizeMiB` MiB with an MBR (two partitions) and random bytes from 1 MiB on. */
export async function makeRawImage(
  dir: string,
  name = 'disk.img',
  sizeMiB = 4,
): Promise<RawFixture> {
  const path = join(dir, name);
  writeFileSync(path, '');
  await truncate(path, sizeMiB * MiB);
  const half = Math.floor((sizeMiB * 2048 - 2048) / 2);
  execFileSync('sfdisk', ['--quiet', path], {
    input: `label: dos\nstart=2048, size=${half}, type=c\nstart=${2048 + half}, type=83\n`,
  });
  const handle = await open(path, 'r+');
  try {
    await handle.write(randomBytes((sizeMiB - 1) * MiB), 0, (sizeMiB - 1) * MiB, MiB);
  } finally {
    await handle.close();
  }
  return { path, size: sizeMiB * MiB, sha256: sha256Of(path) };
}

export const compressors: Record<CompressedFormat, string> = {
  xz: 'xz',
  gzip: 'gzip',
  zip: 'zip',
  bzip2: 'bzip2',
  zstd: 'zstd',
};

export const extensions: Record<CompressedFormat, string> = {
  xz: '.xz',
  gzip: '.gz',
  zip: '.zip',
  bzip2: '.bz2',
  zstd: '.zst',
};

export function hasCompressor(format: CompressedFormat): boolean {
  return hasCommand(compressors[format]);
}

/** Compress `input` with the system tool; returns the archive's path (beside `outDir`). */
export function compress(
  input: string,
  format: CompressedFormat,
  outDir: string,
  name?: string,
): string {
  const out = join(outDir, name ?? basename(input) + extensions[format]);
  if (format === 'zip') {
    execFileSync('zip', ['-q', '-j', out, input]);
    return out;
  }
  const args: Record<Exclude<CompressedFormat, 'zip'>, string[]> = {
    xz: ['-T2', '-c', input],
    gzip: ['-c', input],
    bzip2: ['-c', input],
    zstd: ['-q', '-c', input],
  };
  const fd = openSync(out, 'w');
  try {
    const result = spawnSync(compressors[format], args[format], { stdio: ['ignore', fd, 'pipe'] });
    if (result.status !== 0) throw new Error(`${format} failed: ${result.stderr?.toString()}`);
  } finally {
    closeSync(fd);
  }
  return out;
}

/** A copy of `path` cut to `keep` bytes. */
export function truncatedCopy(path: string, keep: number, outDir: string): string {
  const out = join(outDir, `truncated-${basename(path)}`);
  writeFileSync(out, readFileSync(path).subarray(0, keep));
  return out;
}

/** Every file under the cache's images/ and tmp/ folders. */
export function cacheFiles(cacheDir: string): string[] {
  return ['images', 'tmp'].flatMap((sub) => {
    try {
      return readdirSync(join(cacheDir, sub)).map((name) => `${sub}/${name}`);
    } catch {
      return [];
    }
  });
}

/** A stand-in xz's output: the first MiB, a pause of `seconds`, then the rest. */
export const pauseAfterFirstMiB = (seconds: number) =>
  `{ head -c 1048576; sleep ${seconds}; cat; }`;

/** A stand-in xz's output: all but the last `keep` bytes of `size`, a pause, then a failure. */
export const failBeforeEnd = (size: number, keep: number, seconds: number) =>
  `{ head -c ${size - keep}; sleep ${seconds}; echo 'xz: (stdin): Compressed data is corrupt' >&2; exit 1; }`;

/**
 * Runs `fn` with a stand-in `xz` first on PATH: the real one (`real`), except that what it
 * decompresses goes through `output` (a shell command reading it on stdin), e.g. to pause.
 */
export async function withStandInXz<T>(
  real: string,
  dir: string,
  output: string,
  fn: () => Promise<T>,
): Promise<T> {
  const bin = mkdtempSync(join(dir, 'stand-in-xz-'));
  writeFileSync(
    join(bin, 'xz'),
    [
      '#!/bin/sh',
      'case "$1" in',
      `  --version|--robot) exec '${real}' "$@" ;;`,
      'esac',
      `'${real}' "$@" | ${output}`,
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  const path = process.env.PATH;
  process.env.PATH = `${bin}:${path}`;
  try {
    return await fn();
  } finally {
    process.env.PATH = path;
  }
}
