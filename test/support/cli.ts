import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { NewClusterOptions } from '../../common/cluster';
import { ClusterWorkspace } from '../../main/cluster';
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

export const labPassphrase = 'correct horse battery staple';

/**
 * A cluster for CLI runs in `dir`: cluster.yaml (one server, one worker, example addresses:
 * nothing is contacted) and `pass`, its passphrase file. The vault uses cheap scrypt
 * parameters, which the CLI reads from the file.
 */
export async function createLabCluster(
  dir: string,
  options: Partial<NewClusterOptions> = {},
): Promise<void> {
  await writeFile(join(dir, 'pass'), labPassphrase, { mode: 0o600 });
  await new ClusterWorkspace({ vault: { kdf: { N: 2 ** 10, r: 8, p: 1 } } }).create(
    join(dir, 'cluster.yaml'),
    {
      name: 'lab',
      subnet: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dns: ['192.168.1.1'],
      firstIp: '192.168.1.11',
      workers: 1,
      ...options,
    },
    labPassphrase,
  );
}
