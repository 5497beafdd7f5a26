import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Loop devices over sparse files in `dir`, as cards for the flash suites (needs root). Call
 * `detachAll` when the suite ends; a device already detached is skipped.
 */
export function loopCards(dir: string) {
  const attached: string[] = [];
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
      const file = join(dir, `card-${attached.length}.raw`);
      execFileSync('truncate', ['-s', String(size), file]);
      const device = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
      attached.push(device);
      return device;
    },
    detach,
    detachAll: () => attached.forEach(detach),
  };
}
