import { KubeflashError } from '../../common/errors';
import type { Prompter } from './prompt';
import { readSecretFile } from './read-files';

export interface PassphraseSource {
  passphraseFile?: string;
  env?: NodeJS.ProcessEnv;
  prompter: Prompter | null;
  /** A new passphrase is asked twice. */
  confirm?: boolean;
}

/** The secrets passphrase from --passphrase-file, $KUBEFLASH_PASSPHRASE, or the terminal. */
export async function readPassphrase(
  source: PassphraseSource,
  secretsFile: string,
): Promise<string> {
  if (source.passphraseFile) return readSecretFile(source.passphraseFile);
  const fromEnv = (source.env ?? process.env).KUBEFLASH_PASSPHRASE;
  if (fromEnv) return fromEnv;
  if (!source.prompter) {
    throw new KubeflashError(
      'invalid-request',
      `${secretsFile} is encrypted: pass --passphrase-file FILE or set KUBEFLASH_PASSPHRASE`,
      'passphrase',
    );
  }
  const passphrase = await source.prompter.askSecret(`Passphrase for ${secretsFile}`);
  if (source.confirm && (await source.prompter.askSecret('Repeat the passphrase')) !== passphrase) {
    throw new KubeflashError('invalid-request', 'The two passphrases differ', 'passphrase');
  }
  return passphrase;
}
