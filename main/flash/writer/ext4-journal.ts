import { randomBytes } from 'node:crypto';

import type { Disk } from 'file-disk';

import { crc32cRaw } from './crc32c';
import { EXTENTS_FL, readExtents, readInode, readSuperblock } from './ext4-structures';

/**
 * The journal of an ext3/ext4 filesystem is a used file to ext4, but in a freshly built image
 * it is nothing but its superblock and zeros (mke2fs leaves it as a hole in the image file),
 * so ext trim keeps it and the card gets megabytes of zeros written. They are not needed when
 * the journal is clean:
 *
 * - the kernel (jbd2_journal_recover) and e2fsck replay a journal only when the ext4
 *   superblock has the `needs_recovery` flag and the journal superblock's `s_start` is not 0;
 *   a clean journal's body is never read, whatever it holds;
 * - what a card held before (say, the journal of the same image from a node's previous life)
 *   could still be replayed after a later crash, if it followed the new transactions with the
 *   next sequence number and valid checksums (same image, same UUID). The first transaction
 *   after mounting takes the journal superblock's `s_sequence` + 1, so this card gets a fresh
 *   random `s_sequence`, as e2fsck does when it resets a journal (e2fsck/journal.c,
 *   e2fsck_journal_reset_super): stale blocks then never carry the expected sequence.
 *
 * So for a clean journal: its superblock is written with a new sequence (and checksum), its body
 * is left out. A journal that needs recovery, an external journal, one that is not mapped by
 * extents, or anything this cannot read is left alone: written as it is in the image.
 */
export async function discardCleanJournal(disk: Disk, offset: number): Promise<number> {
  const fs = await readSuperblock(disk, offset);
  if (!fs || !fs.hasJournal || fs.needsRecovery || fs.journalInode === 0) return 0;
  const inode = await readInode(disk, offset, fs, fs.journalInode);
  if (!inode || !(inode.flags & EXTENTS_FL)) return 0;
  const extents = await readExtents(disk, offset, fs, inode.iBlock);
  if (!extents) return 0;
  const first = extents.find((e) => e.logical === 0);
  if (!first) return 0;

  const headerAt = offset + first.physical * fs.blockSize;
  const header = Buffer.alloc(JSB_SIZE);
  await disk.read(header, 0, JSB_SIZE, headerAt);
  if (!isCleanJournal(header)) return 0;
  renewSequence(header);
  await disk.write(header, 0, JSB_SIZE, headerAt);

  let discarded = 0;
  for (const extent of extents) {
    // Everything but the journal superblock (logical block 0).
    const skip = extent.logical === 0 ? 1 : 0;
    const blocks = extent.length - skip;
    if (blocks <= 0) continue;
    const start = offset + (extent.physical + skip) * fs.blockSize;
    await disk.discard(start, blocks * fs.blockSize);
    discarded += blocks * fs.blockSize;
  }
  return discarded;
}

// jbd2 (big-endian): include/linux/jbd2.h.
const JBD2_MAGIC = 0xc03b3998;
const JSB_SIZE = 1024;
const JSB_V1 = 3;
const JSB_V2 = 4;
const JBD2_INCOMPAT_CSUM = 0x8 | 0x10; // CSUM_V2 | CSUM_V3
const JSB_CHECKSUM_AT = 0xfc;

/** A jbd2 superblock that says nothing is to be replayed (s_start 0, no error recorded). */
function isCleanJournal(jsb: Buffer): boolean {
  const type = jsb.readUInt32BE(4);
  return (
    jsb.readUInt32BE(0) === JBD2_MAGIC &&
    (type === JSB_V1 || type === JSB_V2) &&
    jsb.readUInt32BE(28) === 0 && // s_start
    jsb.readInt32BE(32) === 0 // s_errno
  );
}

/** A fresh random s_sequence, and the superblock checksum when the journal has checksums. */
function renewSequence(jsb: Buffer): void {
  jsb.writeUInt32BE(randomBytes(4).readUInt32BE(0) || 1, 24);
  const v2 = jsb.readUInt32BE(4) === JSB_V2;
  if (v2 && jsb.readUInt32BE(40) & JBD2_INCOMPAT_CSUM) {
    jsb.writeUInt32BE(0, JSB_CHECKSUM_AT);
    jsb.writeUInt32BE(crc32cRaw(jsb), JSB_CHECKSUM_AT);
  }
}
