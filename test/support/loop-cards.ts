import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Loop devices over sparse files in `dir`, as cards for the flash suites (needs root). Call
 * `detachAll` when the suite ends; a device already detached is skipped.
 */
export function loopCards(dir: string) {
  /** Each card's backing file, by device (a freed name may come back for a later card). */
  const files = new Map<string, string>();
  let count = 0;
  const detach = (device: string) => {
    try {
      execFileSync('losetup', ['-d', device]);
    } catch {
      // already detached
    }
  };
  return {
    /** A new card of `size` bytes: its device path. */
    attach(size: number): string {
      const file = join(dir, `card-${count++}.raw`);
      execFileSync('truncate', ['-s', String(size), file]);
      const device = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
      files.set(device, file);
      return device;
    },
    /** The file behind the card last attached as `device`. */
    backingFile(device: string): string {
      const file = files.get(device);
      if (file === undefined) throw new Error(`${device} is not one of these cards`);
      return file;
    },
    detach,
    detachAll: () => [...files.keys()].forEach(detach),
  };
}

/**
 * Waits (bounded) until the kernel really detached a loop device from `file`; else fails naming
 * who holds it. The kernel defers a detach while the device is open, and the freed name may be
 * taken for another file at once (other suites run beside), hence the check by file.
 */
export async function kernelDetached(
  device: string,
  file: string,
  timeoutMs: number,
): Promise<void> {
  const attachedFile = `/sys/block/${basename(device)}/loop/backing_file`;
  const stillOurs = () =>
    existsSync(attachedFile) && readFileSync(attachedFile, 'utf8').includes(file);
  const deadline = Date.now() + timeoutMs;
  while (stillOurs()) {
    if (Date.now() > deadline) {
      throw new Error(`the kernel has not detached ${device}; open by: ${holdersOf(device)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The processes that have `device` open (pid and command line), for a failure message. */
function holdersOf(device: string): string {
  const holders: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === device)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        holders.push(`${pid} ${command.trim()}`);
      }
    } catch {
      // gone, or not ours to look at
    }
  }
  return holders.join('; ') || 'no process (the detach may still be in progress)';
}
