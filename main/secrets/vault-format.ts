import { z } from 'zod';

import { KubeflashError } from '../../common/errors';
import { type ScryptParams, scryptParamsProblem } from './kdf';

export const vaultFormatName = 'kubeflash-vault';
export const vaultFormatVersion = 1;
export const saltBytes = 32;
export const ivBytes = 12; // GCM's natural nonce size
export const tagBytes = 16; // full-length tag; shorter tags weaken GCM
export const checkBytes = 32;

/** Canonical base64 only: lenient decoding would let a flipped padding bit go unnoticed. */
function base64Of(bytes?: { min?: number; exact?: number }) {
  return z.string().refine(
    (text) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return false;
      const decoded = Buffer.from(text, 'base64');
      if (decoded.toString('base64') !== text) return false;
      if (bytes?.exact !== undefined && decoded.length !== bytes.exact) return false;
      return decoded.length >= (bytes?.min ?? 0);
    },
    { message: 'not valid base64 of the expected length' },
  );
}

const VaultFile = z.strictObject({
  format: z.literal(vaultFormatName),
  version: z.literal(vaultFormatVersion),
  kdf: z.strictObject({
    name: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    salt: base64Of({ min: 16 }),
  }),
  cipher: z.strictObject({
    name: z.literal('aes-256-gcm'),
    iv: base64Of({ exact: ivBytes }),
  }),
  check: base64Of({ exact: checkBytes }),
  ciphertext: base64Of({ min: 1 }),
  tag: base64Of({ exact: tagBytes }),
});
type VaultFileJson = z.infer<typeof VaultFile>;

/** The decoded parts of a vault file. */
export interface VaultParts {
  kdf: ScryptParams & { salt: Buffer };
  iv: Buffer;
  check: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * The additional authenticated data: everything except ciphertext and tag, in a fixed order, so
 * changing any header field (format, version, KDF parameters, IV, check value) fails decryption.
 */
export function headerAad(parts: Omit<VaultParts, 'ciphertext' | 'tag'>): Buffer {
  const { N, r, p, salt } = parts.kdf;
  return Buffer.from(
    JSON.stringify([
      vaultFormatName,
      vaultFormatVersion,
      ['scrypt', N, r, p, salt.toString('base64')],
      ['aes-256-gcm', parts.iv.toString('base64')],
      parts.check.toString('base64'),
    ]),
    'utf8',
  );
}

export function formatVaultFile(parts: VaultParts): string {
  const json: VaultFileJson = {
    format: vaultFormatName,
    version: vaultFormatVersion,
    kdf: {
      name: 'scrypt',
      N: parts.kdf.N,
      r: parts.kdf.r,
      p: parts.kdf.p,
      salt: parts.kdf.salt.toString('base64'),
    },
    cipher: { name: 'aes-256-gcm', iv: parts.iv.toString('base64') },
    check: parts.check.toString('base64'),
    ciphertext: parts.ciphertext.toString('base64'),
    tag: parts.tag.toString('base64'),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Parse and check the envelope; says which file is wrong and how, never what it holds. */
export function parseVaultFile(text: string, source: string): VaultParts {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw damaged(source, 'it is not complete JSON (truncated or damaged)');
  }
  if (!isRecord(value) || value.format !== vaultFormatName) {
    throw new KubeflashError(
      'invalid-file',
      `${capitalize(source)} is not a Kubeflash secrets file. Pick the secrets file that belongs to this cluster.`,
      source,
    );
  }
  if (value.version !== vaultFormatVersion) {
    const newer = typeof value.version === 'number' && value.version > vaultFormatVersion;
    throw new KubeflashError(
      'invalid-file',
      newer
        ? `${capitalize(source)} uses secrets format version ${value.version}; this Kubeflash reads version ${vaultFormatVersion}. Update Kubeflash to open it.`
        : `${capitalize(source)} has an unsupported secrets format version. Restore its .bak copy or your own backup.`,
      source,
    );
  }
  const parsed = VaultFile.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'the file';
    throw damaged(source, `${where}: ${issue?.message ?? 'invalid'}`);
  }
  const { kdf, cipher, check, ciphertext, tag } = parsed.data;
  const problem = scryptParamsProblem(kdf);
  if (problem) throw damaged(source, `its key-derivation parameters are unusable (${problem})`);
  return {
    kdf: { N: kdf.N, r: kdf.r, p: kdf.p, salt: Buffer.from(kdf.salt, 'base64') },
    iv: Buffer.from(cipher.iv, 'base64'),
    check: Buffer.from(check, 'base64'),
    ciphertext: Buffer.from(ciphertext, 'base64'),
    tag: Buffer.from(tag, 'base64'),
  };
}

export function damaged(source: string, detail: string): KubeflashError {
  return new KubeflashError(
    'invalid-file',
    `${capitalize(source)} is damaged or was altered: ${detail}. Restore its .bak copy or your own backup.`,
    source,
  );
}

/** How messages name the vault when the caller gave no path. */
export const defaultVaultSource = 'the secrets file';

/** For a message that starts with the source: capitalise the default phrase, never a path. */
export function capitalize(source: string): string {
  return source === defaultVaultSource ? 'The secrets file' : source;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
