import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import { writeFileAtomic } from '../storage/atomic-write';
import { fileError } from './file-errors';
import { checkNewPassphrase } from './passphrase';
import type { Secrets } from './schema';
import { decryptSecrets, type EncryptOptions, encryptSecrets } from './vault';
import { damaged } from './vault-format';

/** A vault holds keys and PEMs: megabytes at most. Anything far larger is not ours. */
const maxVaultFileBytes = 16 * 1024 * 1024;

export interface SavedSecretsFile {
  path: string;
  /** The previous version, kept as `<file>.bak`; null when there was none. */
  backupPath: string | null;
}

/** Encrypt and save atomically, 0600, keeping the previous version as `.bak`. */
export async function writeSecretsFile(
  path: string,
  secrets: Secrets,
  passphrase: string,
  options: EncryptOptions = {},
): Promise<SavedSecretsFile> {
  const text = await encryptSecrets(secrets, passphrase, options);
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const { backupPath } = await writeFileAtomic(path, text, { mode: 0o600, backup: true });
    return { path, backupPath };
  } catch (error) {
    throw fileError(error, path, 'write');
  }
}

export async function readSecretsFile(path: string, passphrase: string): Promise<Secrets> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > maxVaultFileBytes) throw damaged(path, 'it is far larger than any vault');
    text = bytes.toString('utf8');
  } catch (error) {
    throw fileError(error, path, 'read');
  }
  return decryptSecrets(text, passphrase, { source: path });
}

/**
 * Re-encrypt under a new passphrase. The `.bak` is removed afterwards: it is encrypted with the
 * old passphrase, and a passphrase is usually changed because the old one may be known. The
 * content is unchanged, so nothing is lost; the atomic write protects the file itself.
 */
export async function changePassphrase(
  path: string,
  oldPassphrase: string,
  newPassphrase: string,
  options: EncryptOptions = {},
): Promise<{ path: string }> {
  checkNewPassphrase(newPassphrase); // before the slow decryption
  const secrets = await readSecretsFile(path, oldPassphrase);
  const text = await encryptSecrets(secrets, newPassphrase, options);
  try {
    await writeFileAtomic(path, text, { mode: 0o600, backup: false });
    await rm(`${path}.bak`, { force: true });
  } catch (error) {
    throw fileError(error, path, 'write');
  }
  return { path };
}
