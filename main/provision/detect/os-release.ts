import { interact } from 'balena-image-fs';
import type { Disk } from 'file-disk';

import { partitionDisk, type PartitionInfo } from '../disk';

/**
 * /etc/os-release (freedesktop.org format): KEY=value lines, values optionally quoted with
 * shell-style escapes. Pure.
 */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1]) continue;
    fields[match[1]] = unquote(match[2] ?? '');
  }
  return fields;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return value;
}

const EXT_MAGIC_OFFSET = 1024 + 56;
const EXT_LABEL_OFFSET = 1024 + 120;

/** The ext2/3/4 volume label, or undefined when the partition holds no ext filesystem. */
export async function readExtLabel(
  disk: Disk,
  partition: PartitionInfo,
): Promise<string | undefined> {
  if (partition.size < 2048) return undefined;
  const superblock = Buffer.alloc(1024);
  await disk.read(superblock, 0, 1024, partition.offset + 1024);
  if (superblock.readUInt16LE(EXT_MAGIC_OFFSET - 1024) !== 0xef53) return undefined;
  const raw = superblock.subarray(EXT_LABEL_OFFSET - 1024, EXT_LABEL_OFFSET - 1024 + 16);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? 16 : end).toString('utf8');
}

/**
 * The os-release fields of an ext root filesystem, read through balena-image-fs (ext2fs) on a
 * read-only (copy-on-write) disk; null when there is none or it cannot be read.
 */
export async function readOsRelease(
  disk: Disk,
  partition: PartitionInfo,
): Promise<Record<string, string> | null> {
  if (partition.index === 0 || (await readExtLabel(disk, partition)) === undefined) return null;
  try {
    return await interact(partitionDisk(disk, partition), undefined, async (fs) => {
      // /etc/os-release is usually a symlink into /usr/lib; both are standard places.
      for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
        try {
          return parseOsRelease(await fs.promises.readFile(path, { encoding: 'utf8' }));
        } catch {
          // try the next place
        }
      }
      return null;
    });
  } catch {
    return null;
  }
}
