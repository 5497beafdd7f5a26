import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { safeStorage } from 'electron';
import { z } from 'zod';

import type { PassphraseKeeper } from '../cluster';
import { writeFileAtomic } from '../storage';

const Stored = z.record(z.string(), z.string());

/**
 * Secrets passphrases kept encrypted by the OS keychain (Electron safeStorage: Keychain, DPAPI,
 * libsecret), in `<userData>/passphrases.json`, keyed by cluster file path.
 */
export function keychainPassphraseKeeper(userData: string): PassphraseKeeper | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined;
  const file = join(userData, 'passphrases.json');
  const load = async () => {
    try {
      return Stored.parse(JSON.parse(await readFile(file, 'utf8')));
    } catch {
      return {};
    }
  };
  const store = (entries: Record<string, string>) =>
    writeFileAtomic(file, JSON.stringify(entries), { mode: 0o600 });
  return {
    async load(clusterPath) {
      const sealed = (await load())[clusterPath];
      if (!sealed) return null;
      try {
        return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
      } catch {
        return null; // the keychain changed (another user, a reset): ask again
      }
    },
    async save(clusterPath, passphrase) {
      const entries = await load();
      entries[clusterPath] = safeStorage.encryptString(passphrase).toString('base64');
      await store(entries);
    },
    async forget(clusterPath) {
      const { [clusterPath]: _forgotten, ...rest } = await load();
      await store(rest);
    },
  };
}
