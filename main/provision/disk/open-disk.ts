import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, readFile } from 'node:fs/promises';

import { Disk, FileDisk } from 'file-disk';

import { DiskError } from './errors';

/** An image file or block device path, or a Disk someone already opened (e.g. etcher-sdk's). */
export type DiskTarget = string | Disk;

export interface OpenDisk {
  path: string;
  disk: Disk;
  /** Size in bytes. */
  capacity: number;
  blockDevice: boolean;
  writable: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Open read-write; otherwise the file is opened read-only and any write stays in memory. */
  write?: boolean;
}

/**
 * FileDisk sizes a disk with fstat, which says 0 for a block device; this one is told the size.
 */
class SizedFileDisk extends FileDisk {
  constructor(
    handle: FileHandle,
    private readonly size: number,
    readOnly: boolean,
  ) {
    // Read-only disks record writes in memory (copy-on-write), so a filesystem driver that
    // writes while mounting (ext2fs) never touches the image.
    super(handle, readOnly, readOnly);
  }

  protected override async _getCapacity(): Promise<number> {
    return this.size;
  }
}

/** Opens an image file or a block device (e.g. /dev/sdb, /dev/loop3) as a Disk. */
export async function openDisk(path: string, options: OpenOptions = {}): Promise<OpenDisk> {
  const write = options.write ?? false;
  let handle: FileHandle;
  try {
    handle = await open(path, write ? constants.O_RDWR : constants.O_RDONLY);
  } catch (error) {
    throw openError(path, error, write);
  }
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw new DiskError(
        'not-a-disk',
        `${path} is a folder, not a disk image. Choose an image file.`,
        path,
      );
    }
    const blockDevice = stats.isBlockDevice() || stats.isCharacterDevice();
    // A locked card opens read-write and then fails every write with EPERM: ask first.
    if (write && blockDevice && (await readSysfs(sysfsDir(stats), 'ro')) === '1') {
      throw readOnlyError(path);
    }
    const capacity = blockDevice ? await deviceSize(handle, stats) : stats.size;
    const disk = new SizedFileDisk(handle, capacity, !write);
    return {
      path,
      disk,
      capacity,
      blockDevice,
      writable: write,
      close: async () => {
        if (write) await disk.flush();
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** Runs `fn` with the target opened (and closes it after), or with the Disk it was given. */
export async function withDisk<T>(
  target: DiskTarget,
  options: OpenOptions,
  fn: (disk: Disk, opened: OpenDisk | null) => Promise<T>,
): Promise<T> {
  if (target instanceof Disk) return fn(target, null);
  const opened = await openDisk(target, options);
  let failed = true;
  try {
    const result = await fn(opened.disk, opened);
    failed = false;
    return result;
  } finally {
    // A failed close after a successful run (e.g. a flush error) must not go unnoticed.
    if (failed) await opened.close().catch(() => undefined);
    else await opened.close();
  }
}

/** The sysfs folder of a block device on Linux (/sys/dev/block/MAJOR:MINOR), else null. */
function sysfsDir(stats: Stats): string | null {
  if (process.platform !== 'linux') return null;
  const major = Math.floor(stats.rdev / 256) & 0xfff;
  const minor = (stats.rdev & 0xff) | (Math.floor(stats.rdev / 4096) & ~0xff);
  return `/sys/dev/block/${major}:${minor}`;
}

async function readSysfs(dir: string | null, file: string): Promise<string | null> {
  if (!dir) return null;
  try {
    return (await readFile(`${dir}/${file}`, 'utf8')).trim();
  } catch {
    return null;
  }
}

/** A block device's size: from sysfs on Linux, otherwise by probing the last readable sector. */
async function deviceSize(handle: FileHandle, stats: Stats): Promise<number> {
  const sectors = Number(await readSysfs(sysfsDir(stats), 'size'));
  if (Number.isFinite(sectors) && sectors > 0) return sectors * 512;
  return probeSize(handle);
}

/** A device's size by finding its last readable sector (where no OS call gives it). */
export async function probeSize(handle: FileHandle): Promise<number> {
  const sector = Buffer.alloc(512);
  const readable = async (index: number): Promise<boolean> =>
    (await handle.read(sector, 0, 512, index * 512).catch(() => ({ bytesRead: 0 }))).bytesRead ===
    512;
  if (!(await readable(0))) return 0;
  let low = 0; // readable
  let high = 1;
  while (await readable(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await readable(mid)) low = mid;
    else high = mid;
  }
  return (low + 1) * 512;
}

export function readOnlyError(path: string): DiskError {
  return new DiskError(
    'read-only',
    `${path} is read-only. Slide the card's lock switch to unlock it and insert it again.`,
    path,
  );
}

function openError(path: string, error: unknown, write: boolean): Error {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new DiskError(
        'not-found',
        `${path} does not exist. Check the path, or insert the card again.`,
        path,
      );
    case 'EACCES':
    case 'EPERM':
      return new DiskError(
        'permission-denied',
        `Not allowed to ${write ? 'write to' : 'read'} ${path}. Writing cards needs the elevated writer (administrator rights).`,
        path,
      );
    case 'EROFS':
      return readOnlyError(path);
    case 'EBUSY':
      return new DiskError(
        'permission-denied',
        `${path} is busy (mounted or in use). Unmount it and try again.`,
        path,
      );
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
