import { describe, expect, it } from 'vitest';

import { FatTable } from '../../../../../main/provision/disk/fat/table';

describe('FatTable', () => {
  it('packs FAT12 entries into 12 bits, odd and even clusters sharing a byte', () => {
    const fat = new FatTable(12, Buffer.alloc(12), 6);
    fat.set(2, 0xabc);
    fat.set(3, 0x123);
    // Entry 2 at bytes 3..4 (low 12 bits), entry 3 in the high 12 bits of bytes 4..5.
    expect([...fat.bytes.subarray(3, 6)]).toEqual([0xbc, 0x3a, 0x12]);
    expect(fat.get(2)).toBe(0xabc);
    expect(fat.get(3)).toBe(0x123);
    fat.set(2, 0);
    expect(fat.get(3)).toBe(0x123); // the neighbour is untouched
    expect(fat.get(2)).toBe(0);
  });

  it('reads and writes FAT16 entries as 16-bit values', () => {
    const fat = new FatTable(16, Buffer.alloc(16), 6);
    fat.set(5, 0xfff8);
    expect(fat.bytes.readUInt16LE(10)).toBe(0xfff8);
    expect(fat.isEndOfChain(fat.get(5))).toBe(true);
  });

  it('keeps the reserved top 4 bits of FAT32 entries and ignores them when reading', () => {
    const fat = new FatTable(32, Buffer.alloc(32), 6);
    fat.bytes.writeUInt32LE(0xa0000000, 12);
    expect(fat.get(3)).toBe(0);
    fat.set(3, 0x0fffffff);
    expect(fat.bytes.readUInt32LE(12)).toBe(0xafffffff);
    expect(fat.get(3)).toBe(0x0fffffff);
  });

  it('treats every end-of-chain value (…F8 to …FF) as the end', () => {
    for (const [type, low] of [
      [12, 0xff8],
      [16, 0xfff8],
      [32, 0x0ffffff8],
    ] as const) {
      const fat = new FatTable(type, Buffer.alloc(64), 8);
      expect(fat.isEndOfChain(low)).toBe(true);
      expect(fat.isEndOfChain(low - 1)).toBe(false); // bad cluster
      expect(fat.isEndOfChain(fat.endOfChain)).toBe(true);
    }
  });

  it('follows chains and counts free clusters', () => {
    const fat = new FatTable(16, Buffer.alloc(32), 10);
    fat.set(2, 5);
    fat.set(5, 3);
    fat.set(3, 0xfff8);
    fat.set(4, 0xffff);
    expect(fat.chain(2)).toEqual([2, 5, 3]);
    expect(fat.chain(4)).toEqual([4]);
    expect(fat.freeCount()).toBe(10 - 4);
    expect(fat.firstFree()).toBe(6);
    expect(fat.firstFree(7)).toBe(7);
  });

  it('refuses chains that loop, leave the volume or reach a free cluster', () => {
    const fat = new FatTable(16, Buffer.alloc(32), 10);
    fat.set(2, 3);
    fat.set(3, 2);
    expect(() => fat.chain(2)).toThrow(/loops/);
    fat.set(3, 0x0fff0);
    expect(() => fat.chain(2)).toThrow(/invalid cluster/);
    fat.set(3, 4);
    expect(() => fat.chain(2)).toThrow(/free cluster/);
    expect(() => fat.chain(0)).toThrow(/invalid cluster 0/);
  });

  it('says the volume is full when no cluster is free', () => {
    const fat = new FatTable(16, Buffer.alloc(12), 3);
    for (let c = 2; c <= 4; c++) fat.set(c, 0xffff);
    expect(fat.firstFree()).toBeNull();
    expect(fat.freeCount()).toBe(0);
  });

  it('rejects a table too small for its clusters', () => {
    expect(() => new FatTable(32, Buffer.alloc(16), 10)).toThrow(/too small/);
  });
});
