import { projectPaths } from '../cluster/project-paths';
import type { Secrets } from '../secrets';
import { readPassphrase } from './passphrase';

/** The passphrase, and the secrets file being decrypted with it. */
export interface EarlyDecryption {
  passphrase: Promise<string>;
  secrets: Promise<Secrets>;
}

/**
 * Starts decrypting the cluster's secrets as the command begins when the passphrase needs no
 * prompt (--passphrase-file, $KUBEFLASH_PASSPHRASE): the key derivation (scrypt, about 0.6 s of
 * one core) then runs while this process loads the flash engine. Null when the passphrase must
 * be asked: the prompt comes later, after any other question. Failures (no passphrase file, a
 * wrong passphrase) are reported where the secrets are unlocked.
 */
export function startDecryptionEarly(
  clusterPath: string,
  flags: { passphraseFile?: string },
  env: NodeJS.ProcessEnv = process.env,
): EarlyDecryption | null {
  if (!flags.passphraseFile && !env.KUBEFLASH_PASSPHRASE) return null;
  const secretsFile = projectPaths(clusterPath).secrets;
  const passphrase = readPassphrase(
    { passphraseFile: flags.passphraseFile, env, prompter: null },
    secretsFile,
  );
  const secrets = passphrase.then(async (text) =>
    (await import('../secrets/vault-file')).readSecretsFile(secretsFile, text),
  );
  passphrase.catch(() => {}); // awaited by the unlock; never unhandled if the command fails first
  secrets.catch(() => {});
  return { passphrase, secrets };
}
