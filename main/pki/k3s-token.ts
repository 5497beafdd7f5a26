import { randomBytes } from 'node:crypto';

import { k3sHashCA } from './k3s-hash-ca';

/**
 * A k3s token secret: 128 random bits in hex. Hex never contains ":" (the token's separator) and
 * never looks like a bootstrap token, which k3s would parse differently.
 */
export function generateK3sSecret(): string {
  return randomBytes(16).toString('hex');
}

/**
 * The secure ("full") k3s token `K10<ca hash>::server:<secret>`: a joining node checks that the
 * server's CA bundle hashes to <ca hash> before it sends the secret. `serverCaFileBytes` must be
 * exactly the bytes of server-ca.crt as written to the card.
 */
export function k3sSecureToken(serverCaFileBytes: Uint8Array, secret: string, now?: Date): string {
  if (secret === '' || /\s/.test(secret)) {
    throw new Error('The k3s token secret must be non-empty and contain no whitespace');
  }
  return `K10${k3sHashCA(serverCaFileBytes, now)}::server:${secret}`;
}
