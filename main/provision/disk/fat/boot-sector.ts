/**
 * The FAT boot sector (BIOS parameter block): where the FATs, the root directory and the data
 * area are, and which FAT type this is. Pure: works on the first sector's bytes.
 * Layout: Microsoft's "FAT: General Overview of On-Disk Format" (fatgen103).
 */

export type FatType = 12 | 16 | 32;

export interface FatGeometry {
  fatType: FatType;
  bytesPerSector: number;
  sectorsPerCluster: number;
  /** Bytes per cluster. */
  clusterSize: number;
  reservedSectors: number;
  fatCount: number;
  /** Sectors per FAT copy. */
  fatSectors: number;
  totalSectors: number;
  /** Data clusters; valid cluster numbers are 2 … clusterCount + 1. */
  clusterCount: number;
  /** Byte offsets from the start of the filesystem. */
  fatOffset: number;
  /** Bytes per FAT copy. */
  fatBytes: number;
  /** FAT12/16: the fixed root directory region; 0 on FAT32. */
  rootDirOffset: number;
  rootDirBytes: number;
  /** FAT32: first cluster of the root directory; 0 otherwise. */
  rootCluster: number;
  dataOffset: number;
  /** FAT32: sector of the FSInfo structure, when there is one. */
  fsInfoSector: number | null;
  /**
   * FAT32 can turn FAT mirroring off and use one "active" FAT only (ExtFlags bit 7);
   * null when all copies are mirrored (always on FAT12/16).
   */
  activeFat: number | null;
  /** Label in the BPB (trailing spaces trimmed), null without an extended boot signature. */
  bpbLabel: string | null;
  volumeId: number | null;
}

const FAT12_MAX_CLUSTERS = 4084;

/** The geometry of a FAT filesystem, or null when `sector` is not a FAT boot sector. */
export function parseBootSector(sector: Uint8Array): FatGeometry | null {
  if (sector.length < 512) return null;
  const b = Buffer.from(sector.buffer, sector.byteOffset, sector.length);
  if (b[510] !== 0x55 || b[511] !== 0xaa) return null;
  // x86 jump to the boot code: every FAT formatter writes one (EB xx 90 or E9 xx xx).
  if (!(b[0] === 0xeb && b[2] === 0x90) && b[0] !== 0xe9) return null;

  const bytesPerSector = b.readUInt16LE(11);
  const sectorsPerCluster = b.readUInt8(13);
  const reservedSectors = b.readUInt16LE(14);
  const fatCount = b.readUInt8(16);
  const rootEntryCount = b.readUInt16LE(17);
  const totalSectors16 = b.readUInt16LE(19);
  const media = b.readUInt8(21);
  const fatSectors16 = b.readUInt16LE(22);
  const totalSectors32 = b.readUInt32LE(32);
  const fatSectors32 = b.readUInt32LE(36);

  if (![512, 1024, 2048, 4096].includes(bytesPerSector)) return null;
  if (!isPowerOfTwo(sectorsPerCluster) || sectorsPerCluster > 128) return null;
  if (reservedSectors < 1 || fatCount < 1) return null;
  if (media !== 0xf0 && media < 0xf8) return null;

  // Like Linux and dosfstools: a zero 16-bit FAT size means the FAT32 layout.
  const isFat32Layout = fatSectors16 === 0;
  const fatSectors = isFat32Layout ? fatSectors32 : fatSectors16;
  const totalSectors = totalSectors16 || totalSectors32;
  if (fatSectors === 0 || totalSectors === 0) return null;
  if (isFat32Layout && rootEntryCount !== 0) return null;

  const rootDirSectors = Math.ceil((rootEntryCount * 32) / bytesPerSector);
  const firstDataSector = reservedSectors + fatCount * fatSectors + rootDirSectors;
  if (firstDataSector >= totalSectors) return null;
  const clusterCount = Math.floor((totalSectors - firstDataSector) / sectorsPerCluster);
  const fatType: FatType = isFat32Layout ? 32 : clusterCount <= FAT12_MAX_CLUSTERS ? 12 : 16;

  // The extended BPB sits after the FAT32-only fields on FAT32.
  const ext = isFat32Layout ? 64 : 36;
  const hasExtendedBpb = b[ext + 2] === 0x29;
  const bpbLabel = hasExtendedBpb
    ? b.toString('latin1', ext + 7, ext + 18).replace(/ +$/, '')
    : null;
  const volumeId = hasExtendedBpb ? b.readUInt32LE(ext + 3) : null;

  let fsInfoSector: number | null = null;
  let activeFat: number | null = null;
  let rootCluster = 0;
  if (isFat32Layout) {
    const extFlags = b.readUInt16LE(40);
    if (extFlags & 0x80) activeFat = extFlags & 0x0f;
    rootCluster = b.readUInt32LE(44);
    const fsInfo = b.readUInt16LE(48);
    if (fsInfo !== 0 && fsInfo !== 0xffff && fsInfo < reservedSectors) fsInfoSector = fsInfo;
  }

  return {
    fatType,
    bytesPerSector,
    sectorsPerCluster,
    clusterSize: bytesPerSector * sectorsPerCluster,
    reservedSectors,
    fatCount,
    fatSectors,
    totalSectors,
    clusterCount,
    fatOffset: reservedSectors * bytesPerSector,
    fatBytes: fatSectors * bytesPerSector,
    rootDirOffset: isFat32Layout ? 0 : (reservedSectors + fatCount * fatSectors) * bytesPerSector,
    rootDirBytes: rootDirSectors * bytesPerSector,
    rootCluster,
    dataOffset: firstDataSector * bytesPerSector,
    fsInfoSector,
    activeFat,
    bpbLabel,
    volumeId,
  };
}

/** Byte offset of a data cluster from the start of the filesystem. */
export function clusterOffset(geometry: FatGeometry, cluster: number): number {
  return geometry.dataOffset + (cluster - 2) * geometry.clusterSize;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}
