import type { Disk } from 'file-disk';

import {
  type BootFileInfo,
  type BootPartition,
  describeFat,
  DiskError,
  type DiskLayout,
  type DiskTarget,
  type FatType,
  isFatPartitionType,
  listBootFiles,
  listPartitions,
  type PartitionInfo,
  withDisk,
} from '../disk';
import { type OsFamily, type PayloadFormat, payloadFormatOf } from '../model';
import { readExtLabel, readOsRelease } from './os-release';
import { classify, supportedFamiliesText } from './rules';

export interface DetectedOs {
  family: OsFamily;
  format: PayloadFormat;
  bootPartition: {
    /** 1-based partition number; 0 when the FAT filesystem is the whole disk. */
    index: number;
    offset: number;
    size: number;
    fatType: FatType;
    label: string | null;
  };
  /** Selected os-release fields of the root filesystem, when it was readable. */
  osRelease: { id?: string; versionCodename?: string; prettyName?: string } | null;
  /** What the decision rests on, in words (label, files, os-release). */
  evidence: string[];
}

/**
 * Detects the OS family of a raw image file or card from its boot partition (label and files)
 * and, where the root filesystem is readable, its os-release. Reads only. Throws a DiskError
 * for an empty, compressed, truncated or non-disk file, and ('unrecognised-os') for an image of
 * no supported family, listing what it found.
 */
export async function detectOs(target: DiskTarget): Promise<DetectedOs> {
  return withDisk(target, { write: false }, async (disk) => {
    const layout = await listPartitions(disk);
    const fats = await fatPartitions(disk, layout);
    const boot = fats[0];
    if (!boot) throw await unrecognised(disk, layout, fats);

    const files = await listBootFiles(disk, boot);
    const root = await findOsRelease(disk, layout, boot);
    const classification = classify({ boot, files, osRelease: root?.fields ?? null });
    if (!classification) throw await unrecognised(disk, layout, fats);

    const evidence = [
      `${tableName(layout)}; boot partition ${describeIndex(boot.index)} at ${bytes(boot.offset)}, FAT${boot.fatType}`,
      ...classification.evidence,
      `boot files: ${summarizeFiles(files)}`,
    ];
    if (root) {
      const { ID, VERSION_CODENAME } = root.fields;
      evidence.push(
        `os-release on partition ${root.index}: ID=${ID ?? '?'}${VERSION_CODENAME ? ` VERSION_CODENAME=${VERSION_CODENAME}` : ''}`,
      );
    }
    return {
      family: classification.family,
      format: payloadFormatOf[classification.family],
      bootPartition: {
        index: boot.index,
        offset: boot.offset,
        size: boot.size,
        fatType: boot.fatType,
        label: boot.label,
      },
      osRelease: root
        ? {
            ...(root.fields.ID ? { id: root.fields.ID } : {}),
            ...(root.fields.VERSION_CODENAME
              ? { versionCodename: root.fields.VERSION_CODENAME }
              : {}),
            ...(root.fields.PRETTY_NAME ? { prettyName: root.fields.PRETTY_NAME } : {}),
          }
        : null,
      evidence: unique(evidence),
    };
  });
}

async function fatPartitions(disk: Disk, layout: DiskLayout): Promise<BootPartition[]> {
  const ordered = [
    ...layout.partitions.filter((p) => isFatPartitionType(p.type)),
    ...layout.partitions.filter((p) => !isFatPartitionType(p.type)),
  ];
  const found: BootPartition[] = [];
  for (const partition of ordered) {
    const fat = await describeFat(disk, partition, layout.table);
    if (fat) found.push(fat);
  }
  return found;
}

/** The first other partition with a readable os-release. */
async function findOsRelease(
  disk: Disk,
  layout: DiskLayout,
  boot: BootPartition,
): Promise<{ index: number; fields: Record<string, string> } | null> {
  for (const partition of layout.partitions) {
    if (partition.index === boot.index) continue;
    const fields = await readOsRelease(disk, partition);
    if (fields) return { index: partition.index, fields };
  }
  return null;
}

async function unrecognised(
  disk: Disk,
  layout: DiskLayout,
  fats: BootPartition[],
): Promise<DiskError> {
  const parts: string[] = [];
  for (const partition of layout.partitions)
    parts.push(await describePartition(disk, partition, fats));
  const found = parts.length > 0 ? parts.join('; ') : 'a partition table with no partitions';
  return new DiskError(
    'unrecognised-os',
    `This image is not an OS Kubeflash can set up. Found: ${found}. Supported: ${supportedFamiliesText}. Choose one of those images.`,
  );
}

async function describePartition(
  disk: Disk,
  partition: PartitionInfo,
  fats: BootPartition[],
): Promise<string> {
  const name = `partition ${describeIndex(partition.index)} (${bytes(partition.size)})`;
  const fat = fats.find((f) => f.index === partition.index);
  if (fat) {
    const files = await listBootFiles(disk, fat).catch(() => []);
    const label = fat.label ? `label "${fat.label}"` : 'no label';
    return `${name}: FAT${fat.fatType}, ${label}, files ${summarizeFiles(files)}`;
  }
  const extLabel = await readExtLabel(disk, partition).catch(() => undefined);
  if (extLabel !== undefined) return `${name}: ext4${extLabel ? `, label "${extLabel}"` : ''}`;
  const type =
    typeof partition.type === 'number'
      ? `0x${partition.type.toString(16).padStart(2, '0')}`
      : partition.type;
  return `${name}: type ${type ?? 'none'}, unknown filesystem`;
}

function summarizeFiles(files: BootFileInfo[], max = 12): string {
  if (files.length === 0) return 'none';
  const names = files.map((f) => (f.isDirectory ? `${f.name}/` : f.name));
  return names.length > max
    ? `${names.slice(0, max).join(', ')} and ${names.length - max} more`
    : names.join(', ');
}

function tableName(layout: DiskLayout): string {
  return layout.table === 'none'
    ? 'no partition table'
    : `${layout.table.toUpperCase()} partition table`;
}

function describeIndex(index: number): string {
  return index === 0 ? '(whole disk)' : String(index);
}

function bytes(n: number): string {
  const mibValue = n / (1024 * 1024);
  return Number.isInteger(mibValue) ? `${mibValue} MiB` : `${n} bytes`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
