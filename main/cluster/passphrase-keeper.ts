/**
 * Remembers secrets passphrases between sessions. The desktop shell implements it with the OS
 * keychain (Electron safeStorage); the CLI and web mode have none and ask each time.
 */
export interface PassphraseKeeper {
  load(clusterPath: string): Promise<string | null>;
  save(clusterPath: string, passphrase: string): Promise<void>;
  forget(clusterPath: string): Promise<void>;
}
