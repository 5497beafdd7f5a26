import { readFile } from 'node:fs/promises';

import { checkAuthorizedKey } from '../../common/cluster';
import { KubeflashError } from '../../common/errors';

/** Public key files given on the command line, each line checked as an authorized_keys entry. */
export async function readAuthorizedKeyFiles(files: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  for (const file of files) {
    const lines = (await readSecretFile(file))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    if (lines.length === 0)
      throw new KubeflashError('invalid-file', `${file} holds no public key`, file);
    for (const line of lines) {
      const key = checkAuthorizedKey(line);
      if ('problem' in key) {
        throw new KubeflashError('invalid-file', `${file}: ${key.problem}`, file);
      }
      keys.push(line);
    }
  }
  return keys;
}

/** A small text file given on the command line (a passphrase, a key), trailing newline dropped. */
export async function readSecretFile(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
  } catch {
    throw new KubeflashError('not-found', `Cannot read ${file}: check the path`, file);
  }
}
