import type { Disk } from 'file-disk';
import { getPartitions } from 'partitioninfo';

import { DiskError, mib } from './errors';
import { parseBootSector } from './fat/boot-sector';

export type PartitionTable = 'mbr' | 'gpt' | 'none';

export interface PartitionInfo {
  /**
   * 1-based as Linux numbers them (/dev/sdaN: MBR slot 1–4, logical from 5, GPT entry order);
   * 0 for a filesystem without a partition table (superfloppy).
   */
  index: number;
  /** Bytes from the start of the disk. */
  offset: number;
  size: number;
  /** MBR type byte (e.g. 0x0c), or GPT type GUID in upper case; null for a superfloppy. */
  type: number | string | null;
  /** GPT partition name, when there is one. */
  name?: string;
}

export interface DiskLayout {
  table: PartitionTable;
  /** Disk size in bytes. */
  capacity: number;
  partitions: PartitionInfo[];
}

const compressedFormats: [name: string, magic: number[]][] = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['gzip', [0x1f, 0x8b]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
];

/** The compression format `head` starts with, if any. */
export function compressionOf(head: Uint8Array): string | null {
  for (const [name, magic] of compressedFormats) {
    if (magic.every((byte, i) => head[i] === byte)) return name;
  }
  return null;
}

/**
 * The partitions of a disk image or card: MBR (primary and logical) or GPT through
 * partitioninfo, or a FAT filesystem that covers the whole disk. Throws a DiskError for an
 * empty file, a compressed archive, something that is not a disk image, and an image cut short
 * (a partition ends past the end of the file).
 */
export async function listPartitions(disk: Disk): Promise<DiskLayout> {
  const capacity = await disk.getCapacity();
  if (capacity === 0) {
    throw new DiskError('empty', 'The image is empty (0 bytes). Download or copy it again.');
  }
  const head = Buffer.alloc(512);
  await disk.read(head, 0, Math.min(512, capacity), 0);

  const compression = compressionOf(head);
  if (compression) {
    throw new DiskError(
      'compressed',
      `This is a ${compression}-compressed file, not a raw disk image. Open it through the image picker, which decompresses it, or decompress it first.`,
    );
  }

  // A boot sector at sector 0 means no partition table: the whole disk is one FAT filesystem.
  // (mkfs.fat can also put a fake MBR inside that sector; the BPB still wins.)
  const superfloppy = capacity >= 512 ? parseBootSector(head) : null;
  if (superfloppy) {
    const size = superfloppy.totalSectors * superfloppy.bytesPerSector;
    const partition: PartitionInfo = { index: 0, offset: 0, size, type: null };
    checkInside(partition, capacity);
    return { table: 'none', capacity, partitions: [partition] };
  }

  if (capacity < 512 || head[510] !== 0x55 || head[511] !== 0xaa || !plausibleMbr(head)) {
    throw new DiskError(
      'not-a-disk',
      'This file is not a disk image: it has no partition table and no boot partition. Choose a Raspberry Pi OS, Ubuntu, HypriotOS or Alpine image (.img, or an archive of one).',
    );
  }

  let info: Awaited<ReturnType<typeof getPartitions>>;
  try {
    info = await getPartitions(disk, { includeExtended: false, getLogical: true });
  } catch (error) {
    throw new DiskError(
      'not-a-disk',
      `This file's partition table cannot be read (${(error as Error).message}). The image may be damaged: download it again.`,
    );
  }
  const partitions: PartitionInfo[] = info.partitions
    .filter((p) => p.size > 0)
    .map((p) =>
      info.type === 'gpt' && 'guid' in p
        ? {
            index: p.index,
            offset: p.offset,
            size: p.size,
            type: p.type.toUpperCase(),
            ...(p.name ? { name: p.name } : {}),
          }
        : { index: p.index, offset: p.offset, size: p.size, type: p.type },
    );
  if (info.type === 'mbr') {
    // partitioninfo numbers the non-empty entries in order; Linux numbers the slots.
    for (const partition of partitions) {
      if (partition.index > 4) continue;
      const slot = [0, 1, 2, 3].find(
        (i) =>
          head[450 + i * 16] !== 0 && head.readUInt32LE(454 + i * 16) * 512 === partition.offset,
      );
      if (slot !== undefined) partition.index = slot + 1;
    }
  }
  for (const partition of partitions) checkInside(partition, capacity);
  return { table: info.type, capacity, partitions };
}

/** MBR entries have a status byte of 0x00 or 0x80; random data rarely does in all four. */
function plausibleMbr(sector: Buffer): boolean {
  for (let i = 0; i < 4; i++) {
    const status = sector[446 + i * 16];
    if (status !== 0x00 && status !== 0x80) return false;
  }
  return true;
}

function checkInside(partition: PartitionInfo, capacity: number): void {
  const end = partition.offset + partition.size;
  if (end <= capacity) return;
  const what = partition.index === 0 ? 'The filesystem' : `Partition ${partition.index}`;
  throw new DiskError(
    'truncated',
    `The image is truncated: ${what} ends at ${mib(end)} but the file holds only ${mib(capacity)}. The download or copy was cut short: get the image again.`,
  );
}
