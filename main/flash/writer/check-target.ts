import { execFile } from 'node:child_process';
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

import { KubeflashError } from '../../../common/errors';
import { formatBytes } from '../../../common/format-bytes';
import { identifyCard } from './identify-card';
import type { CardIdentity } from './protocol';
import { mountsOf, readTargetInfo, type TargetInfo } from './target-info';

export interface CheckedTarget {
  info: TargetInfo;
  /** Capacity in bytes. */
  size: number;
  imageSize: number;
}

export interface CheckOptions {
  /** Usually /proc/self/mounts; tests may point elsewhere. */
  mountsFile?: string;
}

/**
 * Everything that must hold before the first byte is written, in the order a user can fix it:
 * the image is there; the target is a whole disk (or an image file), not mounted or in use, not
 * read-only, large enough, and still the card the user selected. Throws a KubeflashError that
 * says what to do; writes nothing.
 */
export async function checkTarget(
  imagePath: string,
  card: CardIdentity,
  options: CheckOptions = {},
  growingImageSize: number | null = null,
): Promise<CheckedTarget> {
  const device = card.device;
  const imageSize = await imageSizeOf(imagePath, growingImageSize);
  const info = await readTargetInfo(device);

  if (info.holders.length > 0) {
    throw new KubeflashError(
      'invalid-request',
      `${device} is in use by ${info.holders.join(', ')} (an encrypted volume, RAID or LVM on the card). Close it, or eject the card and insert it again, then retry.`,
      device,
    );
  }
  let mounts = await mountsOf(info, options.mountsFile);
  if (mounts.length > 0 && !options.mountsFile) {
    // Desktops auto-mount an inserted card; the user chose to erase it, so unmount it as Etcher
    // does. A busy mount (or swap) stays, and the card is refused below.
    await unmountAll(mounts);
    mounts = await mountsOf(info);
  }
  if (mounts.length > 0) {
    throw new KubeflashError(
      'invalid-request',
      `${device} is mounted at ${mounts.join(', ')} and could not be unmounted (files on it are open?). Close them or eject it in your file manager, then flash again.`,
      device,
    );
  }
  if (info.readOnly) throw readOnly(device);

  const identity = await identifyCard(device);
  if (imageSize > identity.size) {
    throw new KubeflashError(
      'invalid-request',
      `The image (${formatBytes(imageSize)}, ${imageSize} bytes) is larger than the card in ${device} (${formatBytes(identity.size)}, ${identity.size} bytes). Use a card of at least ${formatBytes(imageSize)}.`,
      device,
    );
  }
  const changed = differences(card, identity);
  if (changed.length > 0) {
    throw new KubeflashError(
      'invalid-request',
      `The card in ${device} is not the one you selected (its ${changed.join(', ')} changed). Nothing was written. Select the card again to flash this one.`,
      device,
    );
  }
  await probeWritable(info);
  return { info, size: identity.size, imageSize };
}

async function unmountAll(mounts: string[]): Promise<void> {
  for (const target of mounts) {
    if (target === '[swap]') continue;
    await new Promise<void>((resolve) => {
      execFile('umount', [target], { timeout: 10_000 }, () => resolve());
    });
  }
}

function differences(expected: CardIdentity, actual: CardIdentity): string[] {
  const changed: string[] = [];
  if (expected.device !== actual.device) changed.push('device path');
  if (expected.size !== actual.size) changed.push('size');
  if (expected.serial !== actual.serial) changed.push('serial number');
  if (expected.firstMiBSha256 !== actual.firstMiBSha256) changed.push('content');
  return changed;
}

/** The image's size; for an image still being decompressed, the final size it announced. */
async function imageSizeOf(imagePath: string, growingSize: number | null): Promise<number> {
  let stats: Stats;
  try {
    stats = await stat(imagePath);
  } catch {
    throw new KubeflashError(
      'not-found',
      `The image ${imagePath} is gone from the cache: prepare the image again.`,
      imagePath,
    );
  }
  if (stats.isFile() && growingSize !== null) return growingSize;
  if (!stats.isFile() || stats.size === 0) {
    throw new KubeflashError(
      'invalid-file',
      `The image ${imagePath} is ${stats.isFile() ? 'empty' : 'not a file'}: prepare the image again.`,
      imagePath,
    );
  }
  return stats.size;
}

/**
 * Opens the target for writing once, exclusively where the platform allows, and closes it
 * again: a locked card (EROFS/EACCES), a device someone holds (EBUSY) or one that vanished is
 * refused here, before etcher-sdk starts, rather than part way.
 */
async function probeWritable(info: TargetInfo): Promise<void> {
  const exclusive = info.kind === 'block' && process.platform === 'linux' ? constants.O_EXCL : 0;
  try {
    const handle = await open(info.path, constants.O_RDWR | exclusive);
    await handle.close();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'EROFS':
        throw readOnly(info.path);
      case 'EACCES':
      case 'EPERM':
        throw info.readOnly !== false || info.kind === 'file'
          ? readOnly(info.path)
          : new KubeflashError(
              'permission-denied',
              `Not allowed to write ${info.path} (${code}): writing cards needs the elevated writer (administrator rights).`,
              info.path,
            );
      case 'EBUSY':
        throw new KubeflashError(
          'invalid-request',
          `${info.path} is busy: another program (or another flash) has it open. Close it or wait, then flash again.`,
          info.path,
        );
      case 'ENOENT':
      case 'ENXIO':
      case 'ENODEV':
      case 'ENOMEDIUM':
        throw new KubeflashError(
          'not-found',
          `${info.path} is not there any more: insert the card again and select it.`,
          info.path,
        );
      default:
        throw error;
    }
  }
}

function readOnly(device: string): KubeflashError {
  return new KubeflashError(
    'permission-denied',
    `${device} is read-only: nothing was written. Slide the card's lock switch to unlock it (or use another card), insert it again and select it.`,
    device,
  );
}
