import type { Disk } from 'file-disk';

/**
 * Just enough of ext4's on-disk format (little-endian; the kernel's
 * Documentation/filesystems/ext4) to find what a card need not be written with: the superblock,
 * group descriptors, an inode and its extents. Anything unexpected reads as null, and the
 * caller then leaves the filesystem to be written whole.
 */

const EXT4_MAGIC = 0xef53;
const COMPAT_HAS_JOURNAL = 0x4;
const INCOMPAT_RECOVER = 0x4;
const INCOMPAT_64BIT = 0x80;
const RO_COMPAT_GDT_CSUM = 0x10;
const RO_COMPAT_METADATA_CSUM = 0x400;
export const EXTENTS_FL = 0x80000;
const EXTENT_MAGIC = 0xf30a;

export interface Ext4Superblock {
  blockSize: number;
  blocksCount: number;
  firstDataBlock: number;
  blocksPerGroup: number;
  inodesPerGroup: number;
  inodeSize: number;
  descSize: number;
  hasJournal: boolean;
  /** The `needs_recovery` flag: the journal holds transactions to replay. */
  needsRecovery: boolean;
  /** 0 when the journal is external (or absent). */
  journalInode: number;
  /** Group descriptors carry checksums (gdt_csum or metadata_csum): `itable_unused` counts. */
  groupChecksums: boolean;
}

export async function readSuperblock(disk: Disk, offset: number): Promise<Ext4Superblock | null> {
  const sb = Buffer.alloc(1024);
  await disk.read(sb, 0, 1024, offset + 1024);
  if (sb.readUInt16LE(0x38) !== EXT4_MAGIC) return null;
  const logBlockSize = sb.readUInt32LE(0x18);
  if (logBlockSize > 6) return null;
  const incompat = sb.readUInt32LE(0x60);
  const roCompat = sb.readUInt32LE(0x64);
  const is64 = (incompat & INCOMPAT_64BIT) !== 0;
  const fs: Ext4Superblock = {
    blockSize: 1024 << logBlockSize,
    blocksCount: sb.readUInt32LE(0x4) + (is64 ? sb.readUInt32LE(0x150) * 2 ** 32 : 0),
    firstDataBlock: sb.readUInt32LE(0x14),
    blocksPerGroup: sb.readUInt32LE(0x20),
    inodesPerGroup: sb.readUInt32LE(0x28),
    inodeSize: sb.readUInt32LE(0x4c) === 0 ? 128 : sb.readUInt16LE(0x58),
    descSize: is64 ? Math.max(32, sb.readUInt16LE(0xfe)) : 32,
    hasJournal: (sb.readUInt32LE(0x5c) & COMPAT_HAS_JOURNAL) !== 0,
    needsRecovery: (incompat & INCOMPAT_RECOVER) !== 0,
    journalInode: sb.readUInt32LE(0xe0),
    groupChecksums: (roCompat & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM)) !== 0,
  };
  const sane = fs.blocksPerGroup > 0 && fs.inodesPerGroup > 0 && fs.inodeSize >= 128;
  return sane ? fs : null;
}

export function groupCount(fs: Ext4Superblock): number {
  return Math.ceil((fs.blocksCount - fs.firstDataBlock) / fs.blocksPerGroup);
}

export interface GroupDescriptor {
  /** First block of the group's inode table. */
  inodeTable: number;
  /** bg_flags: INODE_UNINIT 0x1, BLOCK_UNINIT 0x2, ITABLE_ZEROED 0x4. */
  flags: number;
  /** Inodes at the end of the group's table that were never used. */
  itableUnused: number;
}

export const BG_INODE_UNINIT = 0x1;

export async function readGroupDescriptor(
  disk: Disk,
  offset: number,
  fs: Ext4Superblock,
  group: number,
): Promise<GroupDescriptor> {
  const at = (fs.firstDataBlock + 1) * fs.blockSize + group * fs.descSize;
  const desc = Buffer.alloc(fs.descSize);
  await disk.read(desc, 0, fs.descSize, offset + at);
  const wide = fs.descSize >= 64;
  return {
    inodeTable: desc.readUInt32LE(0x8) + (wide ? desc.readUInt32LE(0x28) * 2 ** 32 : 0),
    flags: desc.readUInt16LE(0x12),
    itableUnused: desc.readUInt16LE(0x1c) + (wide ? desc.readUInt16LE(0x32) * 65536 : 0),
  };
}

export async function readInode(disk: Disk, offset: number, fs: Ext4Superblock, number: number) {
  const group = Math.floor((number - 1) / fs.inodesPerGroup);
  const index = (number - 1) % fs.inodesPerGroup;
  const { inodeTable } = await readGroupDescriptor(disk, offset, fs, group);
  const inode = Buffer.alloc(fs.inodeSize);
  await disk.read(
    inode,
    0,
    fs.inodeSize,
    offset + inodeTable * fs.blockSize + index * fs.inodeSize,
  );
  return { flags: inode.readUInt32LE(0x20), iBlock: inode.subarray(0x28, 0x28 + 60) };
}

export interface Extent {
  logical: number;
  physical: number;
  length: number;
}

/** The extents of an extent tree node (the inode's i_block or a tree block); null if damaged. */
export async function readExtents(
  disk: Disk,
  offset: number,
  fs: Ext4Superblock,
  node: Buffer,
  level = 0,
): Promise<Extent[] | null> {
  if (level > 5 || node.length < 12 || node.readUInt16LE(0) !== EXTENT_MAGIC) return null;
  const entries = node.readUInt16LE(2);
  const depth = node.readUInt16LE(6);
  if (12 + entries * 12 > node.length) return null;
  const extents: Extent[] = [];
  for (let i = 0; i < entries; i++) {
    const at = 12 + i * 12;
    if (depth === 0) {
      const rawLength = node.readUInt16LE(at + 4);
      extents.push({
        logical: node.readUInt32LE(at),
        // Above 32768: an unwritten (preallocated) extent of length - 32768.
        length: rawLength > 32768 ? rawLength - 32768 : rawLength,
        physical: node.readUInt16LE(at + 6) * 2 ** 32 + node.readUInt32LE(at + 8),
      });
    } else {
      const child = node.readUInt32LE(at + 4) + node.readUInt16LE(at + 8) * 2 ** 32;
      const block = Buffer.alloc(fs.blockSize);
      await disk.read(block, 0, fs.blockSize, offset + child * fs.blockSize);
      const below = await readExtents(disk, offset, fs, block, level + 1);
      if (!below) return null;
      extents.push(...below);
    }
  }
  return extents;
}
