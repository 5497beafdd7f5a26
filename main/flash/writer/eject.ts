import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

import type { TargetInfo } from './target-info';

/**
 * Makes sure everything reached the card (fsync), then drops the kernel's buffers of the device
 * so that a later read (the read-back) comes from the card, not from memory.
 */
export async function flushBuffers(info: TargetInfo): Promise<void> {
  const handle = await open(info.path, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Node has no ioctl(BLKFLSBUF); blockdev --flushbufs is that ioctl.
  if (info.kind === 'block' && process.platform === 'linux' && findCommand('blockdev')) {
    await run('blockdev', ['--flushbufs', info.path]);
  }
}

/**
 * Ejects the card where that means something: a removable card or USB reader on Linux
 * (udisksctl power-off, else eject), diskutil eject on macOS. Loop devices and image files are
 * not ejected. Returns whether the card was ejected; a failed eject is not an error (the card
 * is written and verified; the user can still pull it).
 */
export async function ejectCard(info: TargetInfo): Promise<boolean> {
  if (info.kind !== 'block' || info.loopBackingFile !== null) return false;
  if (process.platform === 'darwin') {
    return run('diskutil', ['eject', info.path]);
  }
  if (process.platform !== 'linux' || !(info.removable || info.usb)) return false;
  if (info.usb && findCommand('udisksctl')) {
    if (await run('udisksctl', ['power-off', '--no-user-interaction', '-b', info.path])) {
      return true;
    }
  }
  return findCommand('eject') ? run('eject', [info.path]) : false;
}

function run(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(findCommand(command) ?? command, args, { timeout: 30_000 }, (error) =>
      resolve(!error),
    );
  });
}

/** A command on PATH or in the sbin folders (the elevated writer may have a minimal PATH). */
function findCommand(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // next
    }
  }
  return null;
}
