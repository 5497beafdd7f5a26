import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

import type { z } from 'zod';

import { KubeflashError } from '../../common/errors';
import {
  defaultScryptParams,
  deriveVaultKeys,
  type ScryptParams,
  scryptParamsProblem,
} from './kdf';
import { checkNewPassphrase } from './passphrase';
import { Secrets } from './schema';
import {
  capitalize,
  checkBytes,
  damaged,
  defaultVaultSource,
  formatVaultFile,
  headerAad,
  ivBytes,
  parseVaultFile,
  saltBytes,
  tagBytes,
} from './vault-format';

export interface EncryptOptions {
  /** Override scrypt parameters (tests use cheaper ones); defaults to `defaultScryptParams`. */
  kdf?: Partial<ScryptParams>;
}

export interface DecryptOptions {
  /** How to name the vault in messages, usually its path. */
  source?: string;
}

const checkLabel = 'kubeflash-vault passphrase check v1';

/** Encrypt a secrets document into the text of a vault file. */
export async function encryptSecrets(
  secrets: Secrets,
  passphrase: string,
  options: EncryptOptions = {},
): Promise<string> {
  checkNewPassphrase(passphrase);
  const valid = validateSecrets(secrets);
  const params: ScryptParams = { ...defaultScryptParams, ...options.kdf };
  const problem = scryptParamsProblem(params);
  if (problem)
    throw new KubeflashError('invalid-request', `Unusable scrypt parameters: ${problem}.`);

  const salt = randomBytes(saltBytes);
  const iv = randomBytes(ivBytes);
  const keys = await deriveVaultKeys(passphrase, salt, params);
  const plaintext = Buffer.from(JSON.stringify(valid), 'utf8');
  try {
    const check = passphraseCheck(keys.checkKey);
    const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv, {
      authTagLength: tagBytes,
    });
    cipher.setAAD(headerAad({ kdf: { ...params, salt }, iv, check }));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return formatVaultFile({
      kdf: { ...params, salt },
      iv,
      check,
      ciphertext,
      tag: cipher.getAuthTag(),
    });
  } finally {
    // Best effort: shortens how long key material and plaintext linger in memory.
    plaintext.fill(0);
    keys.encryptionKey.fill(0);
    keys.checkKey.fill(0);
  }
}

/** Decrypt the text of a vault file. Wrong passphrase and damaged file are different errors. */
export async function decryptSecrets(
  text: string,
  passphrase: string,
  options: DecryptOptions = {},
): Promise<Secrets> {
  const source = options.source ?? defaultVaultSource;
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new KubeflashError('permission-denied', `Enter the passphrase for ${source}.`, source);
  }
  const parts = parseVaultFile(text, source);
  const keys = await deriveVaultKeys(passphrase, parts.kdf.salt, parts.kdf);
  let plaintext: Buffer | undefined;
  try {
    const expected = passphraseCheck(keys.checkKey);
    if (expected.length !== checkBytes || !timingSafeEqual(expected, parts.check)) {
      throw new KubeflashError(
        'permission-denied',
        `Wrong passphrase for ${source}. Type it again (passphrases are case-sensitive). If you are sure it is right, the file may be damaged: try its .bak copy.`,
        source,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', keys.encryptionKey, parts.iv, {
      authTagLength: tagBytes,
    });
    decipher.setAAD(headerAad(parts));
    decipher.setAuthTag(parts.tag);
    try {
      plaintext = Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
    } catch {
      throw damaged(source, 'its contents fail the integrity check');
    }
    return parsePlaintext(plaintext, source);
  } finally {
    plaintext?.fill(0);
    keys.encryptionKey.fill(0);
    keys.checkKey.fill(0);
  }
}

/** Validate a secrets document; names the offending field, never its value. */
export function validateSecrets(secrets: unknown): Secrets {
  const parsed = Secrets.safeParse(secrets);
  if (!parsed.success) {
    throw new KubeflashError(
      'invalid-request',
      `The secrets are not valid: ${issueText(parsed.error)}.`,
      'secrets',
    );
  }
  return parsed.data;
}

function parsePlaintext(plaintext: Buffer, source: string): Secrets {
  let value: unknown;
  try {
    value = JSON.parse(plaintext.toString('utf8'));
  } catch {
    // JSON.parse's own message quotes the input, which here is secret.
    throw damaged(source, 'it decrypted to something that is not JSON');
  }
  const parsed = Secrets.safeParse(value);
  if (!parsed.success) {
    throw new KubeflashError(
      'invalid-file',
      `${capitalize(source)} opened, but its contents are not valid Kubeflash secrets (${issueText(parsed.error)}). It may come from a newer Kubeflash: update Kubeflash.`,
      source,
    );
  }
  return parsed.data;
}

/** zod 4 messages name expected types and unknown keys, never the input's values. */
function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`;
}

function passphraseCheck(checkKey: Buffer): Buffer {
  return createHmac('sha256', checkKey).update(checkLabel).digest();
}
