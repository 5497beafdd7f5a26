import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ClusterPki, Distribution } from '../../../main/pki';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a program (never through a shell) and collect its output; stdin from `input`. */
export function run(file: string, args: readonly string[], input?: string | Uint8Array) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'buffer' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      if (code === null) return reject(error);
      resolve({ code, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') });
    });
    // A program that exits without reading stdin must not fail the test with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

/** Like run(), but a non-zero exit fails the test with the program's stderr. */
export async function runOk(file: string, args: readonly string[], input?: string | Uint8Array) {
  const result = await run(file, args, input);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  }
  return result.stdout;
}

/** Run `openssl` with binary stdout (for DER output). */
export function runBinary(file: string, args: readonly string[], input?: string | Uint8Array) {
  return new Promise<Buffer>((resolve, reject) => {
    const child = execFile(file, args, { encoding: 'buffer' }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${file} ${args.join(' ')}: ${stderr.toString()}`));
      resolve(stdout);
    });
    // A program that exits without reading stdin must not fail the test with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

export interface TempDir {
  path: string;
  /** Write a file 0600 (everything here may hold a private key) and return its path. */
  write(name: string, contents: string | Uint8Array): Promise<string>;
  remove(): Promise<void>;
}

export async function makeTempDir(prefix = 'kubeflash-pki-'): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(name, contents) {
      const file = join(path, name);
      await writeFile(file, contents, { mode: 0o600 });
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** Parse openssl's "notBefore=Nov 21 02:31:46 2026 GMT" style dates. */
export function parseOpensslDate(line: string): Date {
  const value = line.slice(line.indexOf('=') + 1).trim();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`Unparseable openssl date: ${line}`);
  return date;
}

/** "now" to the whole second, since certificates store seconds. */
export function wholeSecondNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** Narrow a generated PKI to one distribution (fails the test otherwise). */
export function asDistribution<D extends Distribution>(
  pki: ClusterPki,
  distribution: D,
): Extract<ClusterPki, { distribution: D }> {
  if (pki.distribution !== distribution) {
    throw new Error(`expected a ${distribution} PKI, got ${pki.distribution}`);
  }
  return pki as Extract<ClusterPki, { distribution: D }>;
}
