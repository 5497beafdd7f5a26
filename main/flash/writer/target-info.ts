import type { Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { KubeflashError } from '../../../common/errors';

/**
 * What the writer knows about a flash target before touching it: a block device (from sysfs on
 * Linux) or, in tests and image work, a regular file. Read-only: nothing here opens the target
 * for writing.
 */
export interface TargetInfo {
  /** The path as given (what the user selected). */
  path: string;
  kind: 'block' | 'file';
  /** Size in bytes; null when the platform cannot tell without opening the device. */
  size: number | null;
  /** Kernel name (sdb, mmcblk0, loop3), Linux block devices only. */
  name: string | null;
  /** /sys/dev/block/MAJOR:MINOR, Linux block devices only. */
  sysfsDir: string | null;
  /** st_rdev of the device (0 for a file). */
  rdev: number;
  /** The kernel's read-only flag (the card's lock switch, `losetup -r`); null when unknown. */
  readOnly: boolean | null;
  removable: boolean;
  usb: boolean;
  /** A loop device's backing file, when it is one. */
  loopBackingFile: string | null;
  /** Logical sector size (the alignment O_DIRECT needs). */
  logicalBlockSize: number;
  /** Partitions of the device: kernel name and device number. */
  partitions: { name: string; rdev: number }[];
  /** Devices stacked on the target or its partitions (device-mapper, md, LUKS): in use. */
  holders: string[];
}

/** A target sysfs says nothing about (an image file, a disk off Linux): only what stat knows. */
function withoutSysfs(
  path: string,
  kind: TargetInfo['kind'],
  size: number | null,
  rdev: number,
): TargetInfo {
  return {
    path,
    kind,
    size,
    name: null,
    sysfsDir: null,
    rdev,
    readOnly: null,
    removable: false,
    usb: false,
    loopBackingFile: null,
    logicalBlockSize: 512,
    partitions: [],
    holders: [],
  };
}

/** Reads a target's facts; refuses anything that is neither a block device nor a regular file. */
export async function readTargetInfo(path: string): Promise<TargetInfo> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (error) {
    throw missingTarget(path, error);
  }
  if (stats.isFile()) return withoutSysfs(path, 'file', stats.size, 0);
  // macOS writes cards through their raw (character) device, /dev/rdiskN; Linux has block devices.
  const rawDisk = stats.isCharacterDevice() && process.platform === 'darwin';
  if (!stats.isBlockDevice() && !rawDisk) {
    throw new KubeflashError(
      'invalid-request',
      `${path} is neither a disk nor an image file: choose a card reader's device.`,
      path,
    );
  }
  const sysfsDir = process.platform === 'linux' ? sysfsDirOf(stats.rdev) : null;
  if (!sysfsDir) return withoutSysfs(path, 'block', null, stats.rdev);
  const resolved = await realpath(sysfsDir).catch(() => sysfsDir);
  const name = basename(resolved);
  if ((await readSysfs(sysfsDir, 'partition')) !== null) {
    throw new KubeflashError(
      'invalid-request',
      `${path} is a partition (${name}), not a whole card: choose the card itself.`,
      path,
    );
  }
  const sectors = Number(await readSysfs(sysfsDir, 'size'));
  const partitions: { name: string; rdev: number }[] = [];
  const holders = await listDir(join(sysfsDir, 'holders'));
  for (const entry of await listDir(sysfsDir)) {
    if (!entry.startsWith(name)) continue;
    const dev = await readSysfs(join(sysfsDir, entry), 'dev');
    if (dev === null || (await readSysfs(join(sysfsDir, entry), 'partition')) === null) continue;
    partitions.push({ name: entry, rdev: rdevOf(dev) });
    holders.push(...(await listDir(join(sysfsDir, entry, 'holders'))));
  }
  const blockSize = Number(await readSysfs(sysfsDir, 'queue/logical_block_size'));
  return {
    path,
    kind: 'block',
    size: Number.isFinite(sectors) && sectors > 0 ? sectors * 512 : null,
    name,
    sysfsDir,
    rdev: stats.rdev,
    readOnly: (await readSysfs(sysfsDir, 'ro')) === '1',
    removable: (await readSysfs(sysfsDir, 'removable')) === '1',
    usb: resolved.includes('/usb'),
    loopBackingFile: await readSysfs(sysfsDir, 'loop/backing_file'),
    logicalBlockSize: Number.isInteger(blockSize) && blockSize >= 512 ? blockSize : 512,
    partitions,
    holders,
  };
}

/** /sys/dev/block/MAJOR:MINOR for a device number (glibc's major/minor encoding). */
export function sysfsDirOf(rdev: number): string {
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | (Math.floor(rdev / 4096) & ~0xff);
  return `/sys/dev/block/${major}:${minor}`;
}

function rdevOf(dev: string): number {
  const [major, minor] = dev.split(':').map(Number) as [number, number];
  return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12);
}

export async function readSysfs(dir: string, file: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, file), 'utf8')).trim();
  } catch {
    return null;
  }
}

async function listDir(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

function missingTarget(path: string, error: unknown): KubeflashError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENXIO' || code === 'ENODEV') {
    return new KubeflashError(
      'not-found',
      `${path} is not there any more: insert the card again and select it.`,
      path,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new KubeflashError(
      'permission-denied',
      `Not allowed to read ${path}: writing cards needs the elevated writer (administrator rights).`,
      path,
    );
  }
  return new KubeflashError(
    'unavailable',
    `${path} cannot be read (${code ?? (error as Error).message}).`,
    path,
  );
}

interface Mount {
  source: string;
  target: string;
}

/** Mount points on the target or its partitions (Linux: /proc/self/mounts and /proc/swaps). */
export async function mountsOf(
  info: TargetInfo,
  mountsFile = '/proc/self/mounts',
): Promise<string[]> {
  if (info.kind !== 'block' || process.platform !== 'linux') return [];
  const devices = new Set([info.rdev, ...info.partitions.map((p) => p.rdev)]);
  const text = await readFile(mountsFile, 'utf8').catch(() => '');
  const mounts: Mount[] = text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 2 && fields[0]!.startsWith('/'))
    .map(([source, target]) => ({ source: unescape(source!), target: unescape(target!) }));
  const swaps = (await readFile('/proc/swaps', 'utf8').catch(() => ''))
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/)[0] ?? '')
    .filter((source) => source.startsWith('/dev/'))
    .map((source) => ({ source: unescape(source), target: '[swap]' }));
  const found: string[] = [];
  for (const mount of [...mounts, ...swaps]) {
    const rdev = await stat(mount.source).then(
      (s) => (s.isBlockDevice() ? s.rdev : null),
      () => null,
    );
    if (rdev !== null && devices.has(rdev)) found.push(mount.target);
  }
  return found;
}

/** /proc/mounts escapes spaces and other bytes as octal (\040). */
function unescape(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
