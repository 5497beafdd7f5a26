import type { Disk } from 'file-disk';

import { findBootPartition, listPartitions } from '../../provision/disk';

/** Partition-table structures sit in the first 64 KiB (MBR sector 0; GPT header and entries). */
const TABLE_BYTES = 64 * 1024;

/**
 * The card's boot area: from its start (the partition table) to the end of the boot partition,
 * all that a node's payload changes. When the payload follows the request, the writer writes
 * the rest of the card first (`leaveOutBootArea`) and the boot area once the payload is there
 * (`leaveOutAllButBootArea`), on two configured views of the same image.
 */
export interface BootArea {
  /** Bytes from the start of the disk to the end of the boot partition. */
  end: number;
  /** Bytes of partition-table structures at its start, zeroed by the first pass. */
  table: number;
}

export async function findBootArea(disk: Disk): Promise<BootArea> {
  const layout = await listPartitions(disk);
  const boot = await findBootPartition(disk, layout);
  const firstPartition = Math.min(boot.offset, ...layout.partitions.map((p) => p.offset));
  return {
    end: boot.offset + boot.size,
    table: layout.table === 'none' ? 0 : Math.min(TABLE_BYTES, firstPartition),
  };
}

/**
 * Leaves the boot area out of a configured view, except its table structures, which become
 * zeros: until the boot area is written, the card has no partition table, so a card whose
 * payload never came (a wrong passphrase, a cancel) boots nothing, neither what it held
 * before nor a half-written system.
 */
export async function leaveOutBootArea(disk: Disk, area: BootArea): Promise<void> {
  if (area.table > 0) await disk.write(Buffer.alloc(area.table), 0, area.table, 0);
  if (area.end > area.table) await disk.discard(area.table, area.end - area.table);
}

/** Leaves out everything after the boot area (written by the first pass). */
export async function leaveOutAllButBootArea(disk: Disk, area: BootArea): Promise<void> {
  const capacity = await disk.getCapacity();
  if (capacity > area.end) await disk.discard(area.end, capacity - area.end);
}
