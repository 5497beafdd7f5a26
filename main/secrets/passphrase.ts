import { KubeflashError } from '../../common/errors';

export const minPassphraseLength = 8;
export const maxPassphraseLength = 1024;

/**
 * The same passphrase must open the vault on every platform; macOS input methods may produce
 * decomposed accents (NFD) where Windows and Linux produce composed ones (NFC).
 */
export function normalizePassphrase(passphrase: string): string {
  return passphrase.normalize('NFC');
}

/** Rules for a new passphrase. Messages never echo the passphrase or its length. */
export function checkNewPassphrase(passphrase: unknown): asserts passphrase is string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KubeflashError(
      'invalid-request',
      `Choose a passphrase for the secrets file (at least ${minPassphraseLength} characters).`,
      'passphrase',
    );
  }
  const length = [...normalizePassphrase(passphrase)].length;
  if (length < minPassphraseLength) {
    throw new KubeflashError(
      'invalid-request',
      `The passphrase is too short: use at least ${minPassphraseLength} characters.`,
      'passphrase',
    );
  }
  if (length > maxPassphraseLength) {
    throw new KubeflashError(
      'invalid-request',
      `The passphrase is too long: use at most ${maxPassphraseLength} characters.`,
      'passphrase',
    );
  }
  if (passphrase.trim().length === 0) {
    throw new KubeflashError(
      'invalid-request',
      'The passphrase cannot be only spaces.',
      'passphrase',
    );
  }
}
