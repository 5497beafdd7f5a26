import type { Disk } from 'file-disk';

import { listFatPartitions, listPartitions, PartitionIO } from '../../provision/disk';
import { clusterOffset } from '../../provision/disk/fat/boot-sector';
import { FatVolume } from '../../provision/disk/fat/volume';
import { discardUnusedInodeTables } from './ext4-inode-tables';
import { discardCleanJournal } from './ext4-journal';

export interface DiscardReport {
  /** Free clusters of FAT filesystems, not written. */
  freeFatBytes: number;
  /** All-zero space outside every partition, not written. */
  zeroGapBytes: number;
  /** Bodies of clean ext3/ext4 journals, not written (see ext4-journal.ts). */
  cleanJournalBytes: number;
  /** Never-used ends of ext4 inode tables, not written (see ext4-inode-tables.ts). */
  unusedInodeTableBytes: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;
/** Gaps are discarded in pieces of this size, read a MiB at a time. */
const GAP_PIECE = 64 * KiB;
const GAP_READ = MiB;
const zeros = Buffer.alloc(GAP_PIECE);

/**
 * etcher-sdk's `trim` leaves out the free blocks of ext filesystems only. This adds the rest of
 * what a card does not need, on the configured (copy-on-write) view of the image, after the
 * boot payload was applied:
 *
 * - the free clusters of every FAT filesystem (free by its own allocation table, so whatever a
 *   card held there before is harmless — the same reasoning as ext's free blocks);
 * - the body of a clean ext3/ext4 journal, whose superblock gets a fresh sequence number so
 *   that nothing a card held before can ever be replayed (ext4-journal.ts);
 * - the never-used ends of ext4 inode tables, which neither the kernel nor e2fsck reads
 *   (ext4-inode-tables.ts);
 * - space outside every partition that is all zeros in the image. Partition-table structures
 *   are never discarded (the first 64 KiB on MBR disks; the first and last MiB on GPT disks,
 *   where unused entries are zeros that must be written), and anything that is not zero (a
 *   boot loader between partitions, an EBR) is written as it is.
 *
 * Discarded ranges keep the card's old content; written ones are verified as usual.
 */
export async function discardUnused(disk: Disk): Promise<DiscardReport> {
  const report: DiscardReport = {
    freeFatBytes: 0,
    zeroGapBytes: 0,
    cleanJournalBytes: 0,
    unusedInodeTableBytes: 0,
  };
  const layout = await listPartitions(disk);

  // Leaving things out only saves time: a filesystem this cannot read is simply written whole.
  const fats = await listFatPartitions(disk, layout);
  for (const fat of fats) {
    report.freeFatBytes += await discardFreeClusters(disk, fat.offset, fat.size).catch(() => 0);
  }
  for (const partition of layout.partitions) {
    if (fats.some((fat) => fat.offset === partition.offset)) continue;
    report.cleanJournalBytes += await discardCleanJournal(disk, partition.offset).catch(() => 0);
    report.unusedInodeTableBytes += await discardUnusedInodeTables(disk, partition.offset).catch(
      () => 0,
    );
  }

  if (layout.table === 'none') return report;
  const keepHead = layout.table === 'gpt' ? MiB : 64 * KiB;
  const keepTail = layout.table === 'gpt' ? MiB : 0;
  const used = layout.partitions
    .map((p) => [p.offset, p.offset + p.size] as const)
    .sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let at = keepHead;
  const end = layout.capacity - keepTail;
  for (const [start, stop] of used) {
    if (start > at) gaps.push([at, Math.min(start, end)]);
    at = Math.max(at, stop);
  }
  if (end > at) gaps.push([at, end]);

  // Reading the gaps must not keep them in memory (etcher-sdk records reads while configuring).
  const recordReads = disk.recordReads;
  disk.recordReads = false;
  try {
    const buffer = Buffer.alloc(GAP_READ);
    for (const [gapStart, gapEnd] of gaps) {
      // Whole pieces only, aligned to the piece size: partial pieces are simply written.
      const first = alignUp(gapStart, GAP_PIECE);
      const last = Math.floor(gapEnd / GAP_PIECE) * GAP_PIECE;
      for (let offset = first; offset < last; offset += GAP_READ) {
        const length = Math.min(GAP_READ, last - offset);
        await disk.read(buffer, 0, length, offset);
        for (let piece = 0; piece < length; piece += GAP_PIECE) {
          if (!buffer.subarray(piece, piece + GAP_PIECE).equals(zeros)) continue;
          await disk.discard(offset + piece, GAP_PIECE);
          report.zeroGapBytes += GAP_PIECE;
        }
      }
    }
  } finally {
    disk.recordReads = recordReads;
  }
  return report;
}

/** Discards the free clusters of the FAT filesystem at `offset`; returns the bytes left out. */
async function discardFreeClusters(disk: Disk, offset: number, size: number): Promise<number> {
  const volume = await FatVolume.open(new PartitionIO(disk, offset, size));
  const table = await volume.table();
  const { geometry } = volume;
  let discarded = 0;
  let cluster = 2;
  while (cluster <= table.lastCluster) {
    if (table.get(cluster) !== 0) {
      cluster++;
      continue;
    }
    const start = cluster;
    while (cluster <= table.lastCluster && table.get(cluster) === 0) cluster++;
    const length = (cluster - start) * geometry.clusterSize;
    await disk.discard(offset + clusterOffset(geometry, start), length);
    discarded += length;
  }
  return discarded;
}

function alignUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}
