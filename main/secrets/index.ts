export { describeSecrets, type SecretsSummary } from './describe';
export { defaultScryptParams, type ScryptParams } from './kdf';
export { checkNewPassphrase, maxPassphraseLength, minPassphraseLength } from './passphrase';
export { emptySecrets, Secrets, SshHostKeysSecret, SshKeyPairSecret } from './schema';
export {
  type DecryptOptions,
  decryptSecrets,
  type EncryptOptions,
  encryptSecrets,
  validateSecrets,
} from './vault';
export {
  changePassphrase,
  readSecretsFile,
  type SavedSecretsFile,
  writeSecretsFile,
} from './vault-file';
export { vaultFormatName, vaultFormatVersion } from './vault-format';
