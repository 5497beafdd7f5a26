import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { KubeflashError } from '../../../common/errors';
import { probeSize as probeDeviceSize } from '../../provision/disk/open-disk';
import type { CardIdentity } from './protocol';
import { readSysfs, readTargetInfo, type TargetInfo } from './target-info';

const MiB = 1024 * 1024;

/**
 * A card's identity, taken when the user selects it and again just before writing: the path,
 * its size, a serial number and the sha256 of its first MiB (or of all of it when smaller).
 * Together they catch a different card put into the same reader between the two moments.
 *
 * The serial is the best the platform offers: an SD card's own serial (CID) in a built-in
 * reader (mmcblk), the disk's or the USB reader's serial (udev), and for a loop device its
 * backing file and inode (a different file attached to the same /dev/loopN is another "card").
 * Null when there is none (image files, other platforms).
 */
export async function identifyCard(device: string): Promise<CardIdentity> {
  const info = await readTargetInfo(device);
  let handle: FileHandle;
  try {
    handle = await open(device, constants.O_RDONLY);
  } catch (error) {
    throw openForReadError(device, error);
  }
  try {
    const size = info.size ?? (await probeSize(handle));
    if (!size) {
      throw new KubeflashError(
        'unavailable',
        `${device} reports no capacity: is there a card in the reader? Insert one and select it again.`,
        device,
      );
    }
    const head = Buffer.alloc(Math.min(MiB, size));
    let filled = 0;
    while (filled < head.length) {
      const { bytesRead } = await handle.read(head, filled, head.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < head.length) {
      throw new KubeflashError(
        'unavailable',
        `Only ${filled} bytes of ${device} could be read: the card may have been removed.`,
        device,
      );
    }
    return {
      device,
      size,
      serial: await serialOf(info),
      firstMiBSha256: createHash('sha256').update(head).digest('hex'),
    };
  } catch (error) {
    if (error instanceof KubeflashError) throw error;
    throw openForReadError(device, error);
  } finally {
    await handle.close();
  }
}

async function serialOf(info: TargetInfo): Promise<string | null> {
  if (info.kind !== 'block' || !info.sysfsDir) return null;
  if (info.loopBackingFile !== null) {
    const backing = await stat(info.loopBackingFile).catch(() => null);
    // "(deleted)" files and files in other mount namespaces cannot be stat'ed: path alone then.
    const id = backing ? `${backing.dev}:${backing.ino}` : 'unknown';
    return clip(`loop:${info.loopBackingFile}:${id}`);
  }
  const direct = await readSysfs(info.sysfsDir, 'device/serial');
  if (direct) return clip(direct);
  const udev = await udevSerial(info.sysfsDir);
  if (udev) return clip(udev);
  return clip((await lsblkSerial(info.path)) ?? '') || null;
}

/** ID_SERIAL_SHORT (else ID_SERIAL) from udev's database, as lsblk reads it. */
async function udevSerial(sysfsDir: string): Promise<string | null> {
  const dev = await readSysfs(sysfsDir, 'dev');
  if (!dev) return null;
  const data = await readFile(join('/run/udev/data', `b${dev}`), 'utf8').catch(() => '');
  const value = (key: string) =>
    data
      .split('\n')
      .find((line) => line.startsWith(`E:${key}=`))
      ?.slice(key.length + 3)
      .trim();
  return value('ID_SERIAL_SHORT') || value('ID_SERIAL') || null;
}

function lsblkSerial(device: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('lsblk', ['-dno', 'SERIAL', device], { timeout: 5000 }, (error, stdout) => {
      resolve(error ? null : stdout.trim() || null);
    });
  });
}

function clip(value: string): string {
  return value.length > 256 ? value.slice(0, 256) : value;
}

/** A regular file's size, else the device's by probing (platforms without sysfs). */
async function probeSize(handle: FileHandle): Promise<number> {
  const stats = await handle.stat();
  return stats.isFile() ? stats.size : probeDeviceSize(handle);
}

function openForReadError(device: string, error: unknown): KubeflashError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
    case 'ENXIO':
    case 'ENODEV':
    case 'ENOMEDIUM':
      return new KubeflashError(
        'not-found',
        `There is no card in ${device} (${code}): insert the card and select it again.`,
        device,
      );
    case 'EACCES':
    case 'EPERM':
      return new KubeflashError(
        'permission-denied',
        `Not allowed to read ${device}: reading a card needs the elevated writer (administrator rights).`,
        device,
      );
    case 'EIO':
      return new KubeflashError(
        'unavailable',
        `${device} could not be read (EIO): the card or reader is faulty or was removed. Insert it again or try another card.`,
        device,
      );
    default:
      return new KubeflashError(
        'unavailable',
        `${device} could not be read: ${(error as Error).message}`,
        device,
      );
  }
}
