import type { Disk } from 'file-disk';

import {
  BG_INODE_UNINIT,
  groupCount,
  readGroupDescriptor,
  readSuperblock,
} from './ext4-structures';

/**
 * The never-used end of each block group's inode table. mke2fs (lazy_itable_init) leaves it
 * unwritten — a hole in the image file — yet it is a used block to ext4, so ext trim keeps it.
 * When group descriptors carry checksums (metadata_csum or gdt_csum), neither the kernel nor
 * e2fsck reads inodes past `inodes_per_group - bg_itable_unused` (or any, with INODE_UNINIT):
 * e2fsck scans with EXT2_SF_DO_LAZY, and the kernel zeroes a new inode's on-disk copy before its
 * first write (EXT4_STATE_NEW) and moves the mark as it allocates. Whatever a card held there
 * is therefore never taken for an inode, and those blocks are left out. Without those
 * checksums every inode is read, so nothing is left out. Returns the bytes left out.
 */
export async function discardUnusedInodeTables(disk: Disk, offset: number): Promise<number> {
  const fs = await readSuperblock(disk, offset);
  if (!fs || !fs.groupChecksums) return 0;
  const tableBlocks = Math.ceil((fs.inodesPerGroup * fs.inodeSize) / fs.blockSize);
  let discarded = 0;
  for (let group = 0; group < groupCount(fs); group++) {
    const desc = await readGroupDescriptor(disk, offset, fs, group);
    if (desc.itableUnused > fs.inodesPerGroup) continue; // damaged: write it as it is
    const used = desc.flags & BG_INODE_UNINIT ? 0 : fs.inodesPerGroup - desc.itableUnused;
    // Whole blocks past the last used inode only.
    const firstUnused = Math.ceil((used * fs.inodeSize) / fs.blockSize);
    const blocks = tableBlocks - firstUnused;
    if (blocks <= 0) continue;
    await disk.discard(
      offset + (desc.inodeTable + firstUnused) * fs.blockSize,
      blocks * fs.blockSize,
    );
    discarded += blocks * fs.blockSize;
  }
  return discarded;
}
