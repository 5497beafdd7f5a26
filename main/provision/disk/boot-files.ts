import { interact } from 'balena-image-fs';
import type { Disk } from 'file-disk';

import { DiskError } from './errors';
import { PartitionIO } from './fat/partition-io';
import { type DirectoryRef, FatVolume, rootDirectory } from './fat/volume';
import { partitionDisk } from './partition-disk';

/** Where a FAT filesystem is on its disk (a BootPartition or PartitionInfo fits). */
export interface FatLocation {
  offset: number;
  size: number;
}

export interface BootFileInfo {
  /** '/'-separated, relative to the partition's root. */
  path: string;
  /** As shown by Windows and Linux (long name, or 8.3 name with its case flags). */
  name: string;
  size: number;
  isDirectory: boolean;
}

/** Reads one file of the boot partition (through balena-image-fs). */
export async function readBootFile(
  disk: Disk,
  partition: FatLocation,
  path: string,
): Promise<Buffer> {
  const content = (await readBootFiles(disk, partition, [path])).get(path);
  if (!content) {
    const clean = path.replace(/^\/+/, '');
    throw new DiskError('boot-file-missing', `${clean} is not on the boot partition.`, clean);
  }
  return content;
}

/** Reads several files in one mount; a missing file maps to null. */
export async function readBootFiles(
  disk: Disk,
  partition: FatLocation,
  paths: string[],
): Promise<Map<string, Buffer | null>> {
  return interact(partitionDisk(disk, partition), undefined, async (fs) => {
    const out = new Map<string, Buffer | null>();
    for (const path of paths) {
      const clean = path.replace(/^\/+/, '');
      try {
        // No encoding argument: fatfs crashes on readFile(path, 'utf8').
        out.set(path, Buffer.from(await fs.promises.readFile(`/${clean}`)));
      } catch (error) {
        if ((error as { code?: string }).code !== 'NOENT') throw error;
        out.set(path, null);
      }
    }
    return out;
  });
}

/** Whether a file or folder exists on the boot partition (names compared case-insensitively). */
export async function bootFileExists(
  disk: Disk,
  partition: FatLocation,
  path: string,
): Promise<boolean> {
  const volume = await openVolume(disk, partition);
  return (await volume.lookup(path)) !== null;
}

/**
 * The files and folders in a folder of the boot partition (the root by default), in directory
 * order, without `.`/`..` and the volume label.
 */
export async function listBootFiles(
  disk: Disk,
  partition: FatLocation,
  folder = '',
  options: { recursive?: boolean } = {},
): Promise<BootFileInfo[]> {
  const volume = await openVolume(disk, partition);
  const prefix = folder.split('/').filter(Boolean).join('/');
  let ref: DirectoryRef = rootDirectory;
  if (prefix) {
    const found = await volume.lookup(prefix);
    if (!found || !found.entry.isDirectory) {
      throw new DiskError(
        'boot-file-missing',
        `Folder ${prefix} is not on the boot partition.`,
        prefix,
      );
    }
    ref = volume.refOf(found.entry);
  }
  return walk(volume, ref, prefix, options.recursive ?? false);
}

async function walk(
  volume: FatVolume,
  ref: DirectoryRef,
  prefix: string,
  recursive: boolean,
): Promise<BootFileInfo[]> {
  const { entries } = await volume.readDirectory(ref);
  const out: BootFileInfo[] = [];
  for (const entry of entries) {
    if (entry.isDotEntry) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push({ path, name: entry.name, size: entry.size, isDirectory: entry.isDirectory });
    if (recursive && entry.isDirectory && entry.firstCluster !== 0) {
      out.push(...(await walk(volume, volume.refOf(entry), path, true)));
    }
  }
  return out;
}

export function openVolume(disk: Disk, partition: FatLocation): Promise<FatVolume> {
  return FatVolume.open(new PartitionIO(disk, partition.offset, partition.size));
}
