/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as ext4 and jbd2 use it. */
const table = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});

/**
 * The CRC register after `data`, starting from `seed`, without the final inversion: what the
 * kernel's `jbd2_chksum(journal, ~0, data)` and e2fsprogs' `ext2fs_crc32c_le(~0, data)` return.
 */
export function crc32cRaw(data: Uint8Array, seed = 0xffffffff): number {
  let crc = seed >>> 0;
  for (const byte of data) crc = table[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}
