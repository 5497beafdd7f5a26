import { randomInt } from 'node:crypto';

export const LOWERCASE_ALPHANUMERIC = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A uniformly random string from the CSPRNG (randomInt rejects biased draws itself). */
export function randomString(length: number, alphabet = LOWERCASE_ALPHANUMERIC): string {
  let result = '';
  for (let i = 0; i < length; i++) result += alphabet[randomInt(alphabet.length)];
  return result;
}
