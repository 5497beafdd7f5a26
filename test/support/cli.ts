import { execFile } from 'node:child_process';

import { cliPath } from './serve';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the built CLI in `cwd`; stdin is a closed pipe (not a TTY), no inherited Kubeflash settings. */
export function kubeflash(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const base = { ...process.env };
  for (const name of ['KUBEFLASH_PASSPHRASE', 'KUBEFLASH_CLUSTER', 'KUBECONFIG']) delete base[name];
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [cliPath, ...args],
      { cwd, env: { ...base, HOME: cwd, ...env }, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        if (typeof code !== 'number') return reject(error ?? new Error('no exit code'));
        resolve({ code, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {});
    child.stdin?.end();
  });
}
