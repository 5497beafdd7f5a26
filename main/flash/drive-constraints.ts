import type { Drive } from '../../common/drives';
import { formatBytes } from '../../common/format-bytes';

/** Why a drive is not offered as a target. Pure rules, tested on their own (like Etcher's). */
export type RefusalCode = 'system' | 'source' | 'read-only' | 'too-small' | 'loop' | 'unknown-size';

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export interface TargetContext {
  /** The image to be written (raw size in bytes). */
  imageSize?: number;
  /** The drive holding the image file (see sourceDevice): never a target, whatever the flags. */
  sourceDevice?: string | null;
  /** Loop devices only behind an explicit option (snaps are loop devices on Ubuntu). */
  allowLoop: boolean;
  /** The CLI may name one system drive to allow; the GUI never does. */
  allowSystemDevice?: string;
}

export function targetRefusals(drive: Drive, context: TargetContext): Refusal[] {
  const refusals: Refusal[] = [];
  if (drive.system && context.allowSystemDevice !== drive.device) {
    refusals.push({
      code: 'system',
      message: `${drive.device} is a system drive: writing it would destroy this computer's data`,
    });
  }
  if (context.sourceDevice === drive.device) {
    refusals.push({ code: 'source', message: `${drive.device} holds the image being written` });
  }
  if (drive.readOnly) {
    refusals.push({
      code: 'read-only',
      message: `${drive.device} is read-only: slide the card's lock switch up, then insert it again`,
    });
  }
  if (drive.loop && !context.allowLoop) {
    refusals.push({
      code: 'loop',
      message: `${drive.device} is a loop device: loop devices are written only when allowed explicitly`,
    });
  }
  if (drive.size === null) {
    refusals.push({
      code: 'unknown-size',
      message: `${drive.device} reports no size: is a card in the reader?`,
    });
  } else if (context.imageSize !== undefined && drive.size < context.imageSize) {
    refusals.push({
      code: 'too-small',
      message: `${drive.device} (${formatBytes(drive.size)}) is smaller than the image (${formatBytes(context.imageSize)}): use a larger card`,
    });
  }
  return refusals;
}

/** Drives that may be written, and the others with their reasons. */
export function partitionTargets(drives: readonly Drive[], context: TargetContext) {
  const eligible: Drive[] = [];
  const refused: { drive: Drive; refusals: Refusal[] }[] = [];
  for (const drive of drives) {
    const refusals = targetRefusals(drive, context);
    if (refusals.length === 0) eligible.push(drive);
    else refused.push({ drive, refusals });
  }
  return { eligible, refused };
}

/** The drive whose filesystem holds `path`: the one with the longest mountpoint containing it. */
export function sourceDevice(drives: readonly Drive[], path: string): string | null {
  let best: { device: string; length: number } | null = null;
  for (const drive of drives) {
    for (const mount of drive.mountpoints) {
      const prefix = mount.endsWith('/') ? mount : `${mount}/`;
      if ((path === mount || path.startsWith(prefix)) && (!best || mount.length > best.length)) {
        best = { device: drive.device, length: mount.length };
      }
    }
  }
  return best?.device ?? null;
}
