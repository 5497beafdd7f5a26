import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * System decompressors found on PATH, looked up once per process. They are faster than the
 * in-process decoders (native code, and xz ≥ 5.4 decodes multi-block files on all cores).
 */

const found = new Map<string, string | null>();

export function findTool(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const key = `${name}\0${env.PATH ?? ''}`;
  if (found.has(key)) return found.get(key)!;
  const suffixes = process.platform === 'win32' ? ['.exe', '.cmd'] : [''];
  let path: string | null = null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const suffix of suffixes) {
      const candidate = join(dir, name + suffix);
      try {
        accessSync(candidate, constants.X_OK);
        path = candidate;
        break;
      } catch {
        /* not here */
      }
    }
    if (path) break;
  }
  found.set(key, path);
  return path;
}

let xzVersion: [number, number] | null | undefined;

/**
 * The xz tool's liblzma version when it can decode on several threads (5.4.0 added the
 * multi-threaded decoder), otherwise null.
 */
export function multiThreadedXz(): string | null {
  const path = findTool('xz');
  if (!path) return null;
  if (xzVersion === undefined) {
    xzVersion = null;
    try {
      const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 5000 });
      const match = /liblzma (\d+)\.(\d+)/.exec(out);
      if (match) xzVersion = [Number(match[1]), Number(match[2])];
    } catch {
      /* unusable */
    }
  }
  if (!xzVersion) return null;
  const [major, minor] = xzVersion;
  return major > 5 || (major === 5 && minor >= 4) ? path : null;
}
