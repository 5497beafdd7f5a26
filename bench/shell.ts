import { execFileSync } from 'node:child_process';

/** Runs a command and returns its trimmed stdout; stderr goes to the terminal; throws on failure. */
export const sh = (
  cmd: string,
  args: string[],
  opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
) =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], ...opts }).trim();
