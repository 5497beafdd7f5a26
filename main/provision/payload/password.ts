import { randomBytes } from 'node:crypto';

import { encrypt } from 'unixcrypt';

import type { OsFamily } from '../model';
import { payloadError } from './errors';

/** crypt(3) formats every target OS reads: glibc (Debian, Ubuntu) and musl (Alpine) alike. */
export type PasswordHashFormat = 'sha512crypt' | 'sha256crypt';

const prefixOf: Record<PasswordHashFormat, string> = { sha512crypt: '$6$', sha256crypt: '$5$' };
const cryptAlphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Hash a password as `mkpasswd`/`openssl passwd` would; a random 16-character salt by default. */
export function hashPassword(
  plain: string,
  format: PasswordHashFormat = 'sha512crypt',
  salt: string = randomSalt(),
): string {
  if (plain.length === 0) throw payloadError('The password is empty.', 'password');
  if (!/^[./0-9A-Za-z]{1,16}$/.test(salt)) {
    throw payloadError('A crypt salt is 1 to 16 characters of [./0-9A-Za-z].', 'salt');
  }
  return encrypt(plain, `${prefixOf[format]}${salt}`);
}

function randomSalt(): string {
  return Array.from(randomBytes(16), (byte) => cryptAlphabet[byte & 63]).join('');
}

const sha2Crypt = /^\$[56]\$(rounds=\d{4,9}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{43,86}$/;
const yescrypt = /^\$y\$[./0-9A-Za-z]+\$[./0-9A-Za-z]*\$[./0-9A-Za-z]{43}$/;

/**
 * Check a stored hash before it goes on a card: a malformed one would lock the user out for good.
 * yescrypt (`$y$`, Debian's default since 11) is refused where the OS cannot verify it: musl
 * (Alpine) and HypriotOS's Debian 9 glibc.
 */
export function checkPasswordHash(hash: string, family: OsFamily): string {
  if (sha2Crypt.test(hash)) return hash;
  if (yescrypt.test(hash)) {
    if (family === 'alpine' || family === 'hypriot') {
      throw payloadError(
        `The password hash is yescrypt ($y$), which ${family === 'alpine' ? 'Alpine' : 'HypriotOS'} cannot check. Set the password again to store a sha512crypt ($6$) hash.`,
        'passwordHash',
      );
    }
    return hash;
  }
  throw payloadError(
    'The stored password hash is not a crypt(3) hash ($6$, $5$ or $y$). Set the password again.',
    'passwordHash',
  );
}
