import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Drive } from '../../common/drives';

export interface LoopDeviceSources {
  /** Usually /sys; tests may point elsewhere. */
  sysRoot: string;
  /** Usually /proc/self/mounts. */
  mountsFile: string;
}

const defaults: LoopDeviceSources = { sysRoot: '/sys', mountsFile: '/proc/self/mounts' };

/**
 * Attached loop devices as drives. drivelist skips loop devices, so they are read from sysfs.
 * Only used behind an explicit option: on Ubuntu every snap is a loop device.
 */
export async function listLoopDevices(sources: Partial<LoopDeviceSources> = {}): Promise<Drive[]> {
  const { sysRoot, mountsFile } = { ...defaults, ...sources };
  const blockDir = join(sysRoot, 'block');
  const names = (await readdir(blockDir).catch(() => [])).filter((n) => /^loop\d+$/.test(n));
  const mounts = await readMounts(mountsFile);
  const drives: Drive[] = [];
  for (const name of names.sort(byLoopNumber)) {
    const dir = join(blockDir, name);
    const backingFile = await readTrimmed(join(dir, 'loop', 'backing_file'));
    if (backingFile === null) continue; // not attached
    const sizeText = await readTrimmed(join(dir, 'size'));
    const sectors = sizeText === null ? Number.NaN : Number(sizeText);
    const device = `/dev/${name}`;
    drives.push({
      device,
      description: `Loop device (${backingFile})`,
      size: Number.isFinite(sectors) ? sectors * 512 : null,
      removable: false,
      system: false,
      readOnly: (await readTrimmed(join(dir, 'ro'))) === '1',
      mountpoints: mounts
        .filter((m) => m.source === device || m.source.startsWith(`${device}p`))
        .map((m) => m.target),
      loop: true,
    });
  }
  return drives;
}

function byLoopNumber(a: string, b: string): number {
  return Number(a.slice(4)) - Number(b.slice(4));
}

async function readTrimmed(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
}

interface Mount {
  source: string;
  target: string;
}

async function readMounts(path: string): Promise<Mount[]> {
  const text = (await readTrimmed(path)) ?? '';
  return text
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length >= 2)
    .map(([source, target]) => ({ source: source!, target: unescapeMountPath(target!) }));
}

/** /proc/mounts escapes spaces and other bytes as octal (\040). */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
