import type { Disk } from 'file-disk';

import { DiskError } from './errors';
import { type FatType, parseBootSector } from './fat/boot-sector';
import { PartitionIO } from './fat/partition-io';
import { FatVolume, rootDirectory } from './fat/volume';
import {
  type DiskLayout,
  listPartitions,
  type PartitionInfo,
  type PartitionTable,
} from './partitions';

export interface BootPartition {
  /** 1-based partition number; 0 when the FAT filesystem is the whole disk. */
  index: number;
  /** Bytes from the start of the disk. */
  offset: number;
  size: number;
  fatType: FatType;
  /** The label as found: the root directory's label entry, else the BPB's; null if none. */
  label: string | null;
  /** Both places a FAT label lives (they can disagree; tools differ in which they show). */
  labels: { bpb: string | null; rootDirectory: string | null };
  table: PartitionTable;
}

/** MBR type bytes of FAT filesystems: FAT12, FAT16 (<32M, CHS, LBA), FAT32 (CHS, LBA), EFI. */
const mbrFatTypes = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e, 0xef]);
/** GPT "Microsoft basic data" and "EFI system partition". */
const gptFatTypes = new Set([
  'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7',
  'C12A7328-F81F-11D2-BA4B-00A0C93EC93B',
]);

export function isFatPartitionType(type: PartitionInfo['type']): boolean {
  if (type === null) return true;
  return typeof type === 'number' ? mbrFatTypes.has(type) : gptFatTypes.has(type);
}

/**
 * The boot partition: the first FAT filesystem, preferring partitions whose type says FAT
 * (and checking their boot sector), then any partition whose boot sector is FAT.
 */
export async function findBootPartition(disk: Disk, layout?: DiskLayout): Promise<BootPartition> {
  const found = await listFatPartitions(disk, layout);
  const boot = found[0];
  if (!boot) {
    const { partitions } = layout ?? (await listPartitions(disk));
    throw new DiskError(
      'no-boot-partition',
      `No FAT boot partition found (${partitions.length} partition${partitions.length === 1 ? '' : 's'}, none FAT). This is not a Raspberry Pi OS image: choose another image.`,
    );
  }
  return boot;
}

/** Every FAT filesystem on the disk, boot partition candidates first. */
export async function listFatPartitions(disk: Disk, layout?: DiskLayout): Promise<BootPartition[]> {
  const { table, partitions } = layout ?? (await listPartitions(disk));
  const ordered = [
    ...partitions.filter((p) => isFatPartitionType(p.type)),
    ...partitions.filter((p) => !isFatPartitionType(p.type)),
  ];
  const found: BootPartition[] = [];
  for (const partition of ordered) {
    const boot = await describeFat(disk, partition, table);
    if (boot) found.push(boot);
  }
  return found;
}

/** A partition's FAT details, or null when it holds no FAT filesystem. */
export async function describeFat(
  disk: Disk,
  partition: PartitionInfo,
  table: PartitionTable,
): Promise<BootPartition | null> {
  if (partition.size < 512) return null;
  const sector = Buffer.alloc(512);
  await disk.read(sector, 0, 512, partition.offset);
  const geometry = parseBootSector(sector);
  if (!geometry || geometry.totalSectors * geometry.bytesPerSector > partition.size) return null;

  let rootLabel: string | null = null;
  try {
    const volume = await FatVolume.open(new PartitionIO(disk, partition.offset, partition.size));
    rootLabel = (await volume.readDirectory(rootDirectory)).volumeLabel?.label || null;
  } catch {
    // A damaged root directory leaves the BPB label; writing will report the damage.
  }
  const bpb = geometry.bpbLabel && geometry.bpbLabel !== 'NO NAME' ? geometry.bpbLabel : null;
  return {
    index: partition.index,
    offset: partition.offset,
    size: partition.size,
    fatType: geometry.fatType,
    label: rootLabel ?? bpb,
    labels: { bpb, rootDirectory: rootLabel },
    table,
  };
}

/** Whether either label equals `label`, ignoring case (FAT labels are case-insensitive). */
export function hasLabel(boot: BootPartition, label: string): boolean {
  const wanted = label.toUpperCase();
  return [boot.labels.bpb, boot.labels.rootDirectory].some((l) => l?.toUpperCase() === wanted);
}
