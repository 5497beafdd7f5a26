import { type DirectoryEntry, parseDirectory, SLOT_SIZE } from './directory';
import type { DirectoryRef, FatVolume } from './volume';

/**
 * Raw fixes around fatfs, the FAT writer inside balena-image-fs, for what it gets wrong:
 * - its truncate frees clusters with a wrong marker (0x0FFFFF00 on FAT32, 0xFF00 on FAT16) and
 *   leaves the new last cluster pointing at a freed one, and it opens existing files for
 *   writing by truncating them; so before fatfs overwrites a file we shrink it ourselves to
 *   one cluster and size 0, and fatfs never truncates;
 * - a file whose entry has no cluster (an empty file) makes fatfs write through cluster 0,
 *   that is over the FAT region; such a file gets one cluster first;
 * - it keeps a cluster for a file written empty, where FAT wants start cluster 0;
 * - in a new folder right under the root, `..` points at the FAT32 root cluster, where FAT
 *   wants 0;
 * - it takes only 0x?FFF9 and up for "end of chain" (off by one), but mkfs.fat ends the FAT32
 *   root directory with 0x0FFFFFF8: fatfs then fails with EIO when the directory must grow; the
 *   directories it writes into get the canonical end-of-chain value first;
 * - a directory it grows into a reused cluster keeps that cluster's old bytes after the
 *   end-of-directory marker; Linux reads past that marker, so they are zeroed.
 */

/** Before fatfs overwrites `entry`: exactly one cluster, size 0. */
export async function prepareOverwrite(volume: FatVolume, entry: DirectoryEntry): Promise<void> {
  const fat = await volume.table();
  if (entry.firstCluster === 0) {
    const cluster = fat.firstFree();
    if (cluster === null) throw new Error('The boot partition is full');
    await volume.setFatEntry(cluster, fat.endOfChain);
    await volume.updateEntry(entry, { firstCluster: cluster, size: 0 });
    return;
  }
  const [first, ...rest] = fat.chain(entry.firstCluster);
  if (first === undefined) return;
  await volume.updateEntry(entry, { size: 0 });
  await volume.setFatEntry(first, fat.endOfChain);
  for (const cluster of rest) await volume.setFatEntry(cluster, 0);
}

/** Rewrites a chain's end marker as the canonical one (same meaning; fatfs needs it). */
export async function normalizeEndOfChain(volume: FatVolume, ref: DirectoryRef): Promise<boolean> {
  const first = ref.root ? volume.geometry.rootCluster : ref.cluster;
  if (first === 0) return false; // the fixed FAT12/16 root directory is no chain
  const fat = await volume.table();
  const last = fat.chain(first).at(-1);
  if (last === undefined || fat.get(last) === fat.endOfChain) return false;
  await volume.setFatEntry(last, fat.endOfChain);
  return true;
}

/** After fatfs wrote an empty file: free its cluster(s), start cluster 0. */
export async function releaseEmptyFile(volume: FatVolume, entry: DirectoryEntry): Promise<void> {
  if (entry.size !== 0 || entry.firstCluster === 0) return;
  const fat = await volume.table();
  const chain = fat.chain(entry.firstCluster);
  await volume.updateEntry(entry, { firstCluster: 0 });
  for (const cluster of chain) await volume.setFatEntry(cluster, 0);
}

/** `.` must point at the folder itself, `..` at its parent (0 for the root). */
export async function fixDotEntries(
  volume: FatVolume,
  folder: DirectoryEntry,
  parent: DirectoryRef,
): Promise<number> {
  const expected: Record<string, number> = {
    '.': folder.firstCluster,
    '..': parent.root ? 0 : parent.cluster,
  };
  const { entries } = await volume.readDirectory({ root: false, cluster: folder.firstCluster });
  let fixed = 0;
  for (const entry of entries.filter((e) => e.isDotEntry)) {
    const want = expected[entry.shortName];
    if (want === undefined || entry.firstCluster === want) continue;
    await volume.updateEntry(entry, { firstCluster: want });
    fixed++;
  }
  return fixed;
}

/** Zeroes every slot after the end-of-directory marker that is not zero already. */
export async function zeroDirectoryTail(volume: FatVolume, ref: DirectoryRef): Promise<number> {
  const { bytes, slotOffset } = await volume.loadDirectory(ref);
  const { endSlot } = parseDirectory(bytes, slotOffset);
  if (endSlot === null) return 0;
  const zeros = Buffer.alloc(SLOT_SIZE);
  let zeroed = 0;
  for (let slot = endSlot + 1; slot * SLOT_SIZE < bytes.length; slot++) {
    const at = slot * SLOT_SIZE;
    if (bytes.subarray(at, at + SLOT_SIZE).every((byte) => byte === 0)) continue;
    await volume.writeAt(slotOffset(slot), zeros);
    zeroed++;
  }
  return zeroed;
}
