import { scrypt } from 'node:crypto';

import { normalizePassphrase } from './passphrase';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** OWASP's minimum for scrypt (2^17, 8, 1): about 128 MiB and a fraction of a second per unlock. */
export const defaultScryptParams: Readonly<ScryptParams> = Object.freeze({
  N: 2 ** 17,
  r: 8,
  p: 1,
});

/**
 * Bounds for parameters read from a file: enough room for stronger settings, but a hostile file
 * must not make us allocate gigabytes or spin for minutes before the passphrase is even checked.
 */
export const scryptLimits = {
  minLogN: 10,
  maxLogN: 20,
  maxR: 32,
  maxP: 16,
  maxMemoryBytes: 512 * 1024 * 1024,
  maxWork: 2 ** 24, // N * r * p
} as const;

export function scryptParamsProblem({ N, r, p }: ScryptParams): string | null {
  const isPowerOfTwo = Number.isSafeInteger(N) && N > 0 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo) return 'N must be a power of two';
  const logN = Math.log2(N);
  if (logN < scryptLimits.minLogN || logN > scryptLimits.maxLogN) {
    return `N must be between 2^${scryptLimits.minLogN} and 2^${scryptLimits.maxLogN}`;
  }
  if (!Number.isSafeInteger(r) || r < 1 || r > scryptLimits.maxR) return 'r is out of range';
  if (!Number.isSafeInteger(p) || p < 1 || p > scryptLimits.maxP) return 'p is out of range';
  if (scryptMemory({ N, r, p }) > scryptLimits.maxMemoryBytes) return 'N × r needs too much memory';
  if (N * r * p > scryptLimits.maxWork) return 'N × r × p is too much work';
  return null;
}

/** OpenSSL needs 128·r·(N+2) bytes for V plus 128·r·p for B. */
function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * r * (N + 2) + 128 * r * p;
}

export interface VaultKeys {
  /** AES-256-GCM key. */
  encryptionKey: Buffer;
  /** Keys the passphrase check value, so a wrong passphrase is told apart from a damaged file. */
  checkKey: Buffer;
}

export function deriveVaultKeys(
  passphrase: string,
  salt: Buffer,
  params: ScryptParams,
): Promise<VaultKeys> {
  // Node's default maxmem (32 MiB) is below what N = 2^17 needs; allow exactly what is required.
  const maxmem = scryptMemory(params) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(
      normalizePassphrase(passphrase),
      salt,
      64,
      { N: params.N, r: params.r, p: params.p, maxmem },
      (error, derived) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({ encryptionKey: derived.subarray(0, 32), checkKey: derived.subarray(32, 64) });
      },
    );
  });
}
