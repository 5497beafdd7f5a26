import { randomBytes } from 'node:crypto';

/**
 * A random positive 128-bit serial (hex). RFC 5280 wants serials unique per CA and positive;
 * the top bits are fixed to 01 so the DER integer needs no sign byte and keeps its full length.
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}
