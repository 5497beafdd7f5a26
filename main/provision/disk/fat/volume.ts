import { clusterOffset, type FatGeometry, parseBootSector } from './boot-sector';
import { type DirectoryEntry, type ParsedDirectory, parseDirectory, SLOT_SIZE } from './directory';
import type { PartitionIO } from './partition-io';
import { FatTable } from './table';

/** Where a directory lives: the fixed FAT12/16 root region, or a cluster chain. */
export type DirectoryRef = { root: true } | { root: false; cluster: number };

export const rootDirectory: DirectoryRef = { root: true };

export interface LocatedEntry {
  entry: DirectoryEntry;
  /** The directory holding the entry. */
  parent: DirectoryRef;
}

/**
 * Our own small view of a FAT filesystem, on raw partition bytes: reading directories and
 * files, and the few raw edits the apply step needs (FAT entries, a directory entry's first
 * cluster and size). Writes go to the first FAT only; syncFat mirrors them afterwards.
 * Directory contents and files are written by balena-image-fs (fatfs), not here.
 */
export class FatVolume {
  private fat: FatTable | null = null;

  private constructor(
    readonly io: PartitionIO,
    readonly geometry: FatGeometry,
  ) {}

  static async open(io: PartitionIO): Promise<FatVolume> {
    const geometry = parseBootSector(await io.read(0, Math.min(512, io.size)));
    if (!geometry) throw new Error('Not a FAT filesystem');
    if (geometry.totalSectors * geometry.bytesPerSector > io.size) {
      throw new Error('FAT filesystem is larger than its partition');
    }
    return new FatVolume(io, geometry);
  }

  /** The first FAT copy (read once, then kept in step with our own writes). */
  async table(): Promise<FatTable> {
    if (!this.fat) {
      const { fatOffset, fatBytes, fatType, clusterCount } = this.geometry;
      this.fat = new FatTable(fatType, await this.io.read(fatOffset, fatBytes), clusterCount);
    }
    return this.fat;
  }

  async readDirectory(ref: DirectoryRef): Promise<ParsedDirectory> {
    const { bytes, slotOffset } = await this.loadDirectory(ref);
    return parseDirectory(bytes, slotOffset);
  }

  /** A directory's raw slots and where each lives on disk. */
  async loadDirectory(
    ref: DirectoryRef,
  ): Promise<{ bytes: Buffer; slotOffset: (slot: number) => number }> {
    const { geometry } = this;
    if (ref.root && geometry.fatType !== 32) {
      const bytes = await this.io.read(geometry.rootDirOffset, geometry.rootDirBytes);
      return { bytes, slotOffset: (slot) => geometry.rootDirOffset + slot * SLOT_SIZE };
    }
    const first = ref.root ? geometry.rootCluster : ref.cluster;
    const clusters = (await this.table()).chain(first);
    const bytes = await this.readClusters(clusters);
    const perCluster = geometry.clusterSize / SLOT_SIZE;
    const slotOffset = (slot: number): number => {
      const cluster = clusters[Math.floor(slot / perCluster)] ?? 0;
      return clusterOffset(geometry, cluster) + (slot % perCluster) * SLOT_SIZE;
    };
    return { bytes, slotOffset };
  }

  /** Finds a '/'-separated path, comparing names case-insensitively as FAT does. */
  async lookup(path: string): Promise<LocatedEntry | null> {
    const parts = path.split('/').filter(Boolean);
    let parent: DirectoryRef = rootDirectory;
    for (let i = 0; i < parts.length; i++) {
      const wanted = (parts[i] ?? '').toUpperCase();
      const { entries } = await this.readDirectory(parent);
      const entry = entries.find(
        (e) => !e.isDotEntry && (e.name.toUpperCase() === wanted || e.shortName === wanted),
      );
      if (!entry) return null;
      if (i === parts.length - 1) return { entry, parent };
      if (!entry.isDirectory) return null;
      parent = this.refOf(entry);
    }
    return null;
  }

  /** The directory an entry points to (a first cluster of 0 means the root, in `..`). */
  refOf(entry: DirectoryEntry): DirectoryRef {
    return entry.firstCluster === 0 ? rootDirectory : { root: false, cluster: entry.firstCluster };
  }

  async readFile(entry: DirectoryEntry): Promise<Buffer> {
    if (entry.size === 0 || entry.firstCluster === 0) return Buffer.alloc(0);
    const clusters = (await this.table()).chain(entry.firstCluster);
    const bytes = await this.readClusters(clusters);
    if (bytes.length < entry.size) throw new Error(`${entry.name}: cluster chain too short`);
    return bytes.subarray(0, entry.size);
  }

  /** Sets one entry in the first FAT, on disk and in our copy. */
  async setFatEntry(cluster: number, value: number): Promise<void> {
    const fat = await this.table();
    fat.set(cluster, value);
    const { fatType, fatOffset } = this.geometry;
    const at = fatType === 12 ? cluster + (cluster >> 1) : (cluster * fatType) / 8;
    const width = fatType === 32 ? 4 : 2;
    await this.io.write(fatOffset + at, fat.bytes.subarray(at, at + width));
  }

  /** Rewrites a directory entry's first cluster and/or size in place. */
  async updateEntry(
    entry: DirectoryEntry,
    change: { firstCluster?: number; size?: number },
  ): Promise<void> {
    const slot = await this.io.read(entry.slotOffset, SLOT_SIZE);
    if (change.firstCluster !== undefined) {
      // The high half exists on FAT32 only; elsewhere the field must stay 0.
      slot.writeUInt16LE(this.geometry.fatType === 32 ? change.firstCluster >>> 16 : 0, 20);
      slot.writeUInt16LE(change.firstCluster & 0xffff, 26);
    }
    if (change.size !== undefined) slot.writeUInt32LE(change.size, 28);
    await this.io.write(entry.slotOffset, slot);
  }

  async writeAt(offset: number, data: Uint8Array): Promise<void> {
    await this.io.write(offset, data);
  }

  async readClusters(clusters: number[]): Promise<Buffer> {
    const { geometry } = this;
    const parts: Buffer[] = [];
    // Contiguous runs are read in one go: files are usually unfragmented.
    let i = 0;
    while (i < clusters.length) {
      const start = clusters[i] ?? 0;
      let run = 1;
      while (clusters[i + run] === start + run) run++;
      parts.push(await this.io.read(clusterOffset(geometry, start), run * geometry.clusterSize));
      i += run;
    }
    return Buffer.concat(parts);
  }
}
