import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Tests that need something from the machine (root, a command, the Electron binary) go through
 * here. Where the prerequisite is missing the test is skipped with `SKIPPED: <reason>` on stderr,
 * except under `KUBEFLASH_STRICT=1` (CI), where it fails: a green strict run means every test ran.
 * Suites whose prerequisite may legitimately be absent even in CI (the Electron binary) pass
 * `allowSkip: true`.
 */

/** The part of vitest's test context this helper uses (so any runner with `skip` fits). */
export interface SkippableContext {
  skip(note?: string): void;
}

export interface PrerequisiteOptions {
  /** Skip even under KUBEFLASH_STRICT=1. */
  allowSkip?: boolean;
  /** Defaults to process.env; injectable for tests of this helper. */
  env?: NodeJS.ProcessEnv;
  /** Where the SKIPPED line goes; defaults to stderr. */
  log?: (line: string) => void;
}

export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

export function isStrict(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KUBEFLASH_STRICT === '1';
}

/**
 * Call at the start of a test: returns when `ok`, otherwise fails (strict) or skips the test.
 * `ctx.skip()` throws to stop the test, so nothing after this call runs when skipped.
 */
export function requirePrerequisite(
  ctx: SkippableContext,
  ok: boolean,
  reason: string,
  { allowSkip = false, env = process.env, log = defaultLog }: PrerequisiteOptions = {},
): void {
  if (ok) return;
  if (isStrict(env) && !allowSkip) {
    throw new MissingPrerequisiteError(
      `Missing prerequisite: ${reason} (KUBEFLASH_STRICT=1 forbids skipping this test)`,
    );
  }
  log(`SKIPPED: ${reason}`);
  ctx.skip(reason);
}

/** Several prerequisites at once: the first missing one decides. */
export function requirePrerequisites(
  ctx: SkippableContext,
  checks: readonly (readonly [ok: boolean, reason: string])[],
  options: PrerequisiteOptions = {},
): void {
  for (const [ok, reason] of checks) requirePrerequisite(ctx, ok, reason, options);
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Whether an executable of that name is on PATH (sbin folders included: losetup lives there). */
export function hasCommand(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (name.includes('/')) return isExecutable(name);
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  const suffixes =
    process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  return dirs.some(
    (dir) => dir && suffixes.some((suffix) => isExecutable(join(dir, name + suffix))),
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function defaultLog(line: string): void {
  process.stderr.write(`${line}\n`);
}
