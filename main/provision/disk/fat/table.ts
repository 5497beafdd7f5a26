import type { FatType } from './boot-sector';

/** Smallest value that marks the end of a cluster chain, per FAT type. */
const endOfChainMin: Record<FatType, number> = { 12: 0xff8, 16: 0xfff8, 32: 0x0ffffff8 };
/** Values from here up to the end-of-chain range are reserved or "bad cluster". */
const reservedMin: Record<FatType, number> = { 12: 0xff0, 16: 0xfff0, 32: 0x0ffffff0 };
const END_OF_CHAIN: Record<FatType, number> = { 12: 0xfff, 16: 0xffff, 32: 0x0fffffff };

/**
 * One copy of the file allocation table, held in memory. Pure: reads and writes entries of
 * the right width (12, 16 or 28 of 32 bits) in the bytes it was given.
 */
export class FatTable {
  constructor(
    readonly fatType: FatType,
    readonly bytes: Buffer,
    /** Data clusters (valid numbers are 2 … clusterCount + 1). */
    readonly clusterCount: number,
  ) {
    const needed = this.byteLength(clusterCount + 2);
    if (bytes.length < needed) {
      throw new Error(`FAT too small: ${bytes.length} bytes for ${clusterCount} clusters`);
    }
  }

  get endOfChain(): number {
    return END_OF_CHAIN[this.fatType];
  }

  get lastCluster(): number {
    return this.clusterCount + 1;
  }

  get(cluster: number): number {
    const b = this.bytes;
    switch (this.fatType) {
      case 12: {
        const pair = b.readUInt16LE(cluster + (cluster >> 1));
        return cluster & 1 ? pair >> 4 : pair & 0x0fff;
      }
      case 16:
        return b.readUInt16LE(cluster * 2);
      case 32:
        return b.readUInt32LE(cluster * 4) & 0x0fffffff;
    }
  }

  set(cluster: number, value: number): void {
    const b = this.bytes;
    switch (this.fatType) {
      case 12: {
        const at = cluster + (cluster >> 1);
        const pair = b.readUInt16LE(at);
        const next = cluster & 1 ? (pair & 0x000f) | (value << 4) : (pair & 0xf000) | value;
        b.writeUInt16LE(next & 0xffff, at);
        return;
      }
      case 16:
        b.writeUInt16LE(value, cluster * 2);
        return;
      case 32: {
        // The top 4 bits of a FAT32 entry are reserved and must be kept.
        const high = b.readUInt32LE(cluster * 4) & 0xf0000000;
        b.writeUInt32LE((high | (value & 0x0fffffff)) >>> 0, cluster * 4);
        return;
      }
    }
  }

  isEndOfChain(value: number): boolean {
    return value >= endOfChainMin[this.fatType];
  }

  /** A value that links to another cluster of this volume. */
  isClusterNumber(value: number): boolean {
    return value >= 2 && value <= this.lastCluster && value < reservedMin[this.fatType];
  }

  freeCount(): number {
    let free = 0;
    for (let c = 2; c <= this.lastCluster; c++) if (this.get(c) === 0) free++;
    return free;
  }

  /** The first free cluster at or after `from`, or null when the volume is full. */
  firstFree(from = 2): number | null {
    for (let c = Math.max(2, from); c <= this.lastCluster; c++) if (this.get(c) === 0) return c;
    return null;
  }

  /**
   * The clusters of the chain starting at `first`. Throws on a chain that loops, leaves the
   * volume or runs into a free cluster: such a filesystem needs a real fsck, not us.
   */
  chain(first: number): number[] {
    const clusters: number[] = [];
    const seen = new Set<number>();
    let current = first;
    for (;;) {
      if (!this.isClusterNumber(current)) {
        throw new Error(`FAT chain from cluster ${first} reaches invalid cluster ${current}`);
      }
      if (seen.has(current)) throw new Error(`FAT chain from cluster ${first} loops`);
      seen.add(current);
      clusters.push(current);
      const next = this.get(current);
      if (this.isEndOfChain(next)) return clusters;
      if (next === 0) throw new Error(`FAT chain from cluster ${first} runs into a free cluster`);
      current = next;
    }
  }

  /** Bytes of the table that hold entries 0 … count - 1. */
  byteLength(count: number): number {
    return this.fatType === 12 ? Math.ceil((count * 3) / 2) : (count * this.fatType) / 8;
  }
}
