import type { BootPayload } from '../model';
import { readBootFiles } from './boot-files';
import { findBootPartition } from './boot-partition';
import { editCmdline } from './cmdline';
import { PartitionIO } from './fat/partition-io';
import { checkFat } from './fat/sync';
import { type DiskTarget, withDisk } from './open-disk';
import { normalizeBootPath, pathKey } from './payload-paths';

export interface PayloadMismatch {
  /** The boot file concerned; null for a problem of the FAT itself. */
  path: string | null;
  problem: 'missing' | 'content' | 'edit' | 'fat';
  detail: string;
}

/**
 * Compares a card (or image) with the payload that was applied to it, reading only: every
 * file byte for byte, every cmdline edit in effect (its arguments present once, removed ones
 * gone, one line), and the FAT clean. Returns what differs; empty means verified.
 */
export async function readBackPayload(
  target: DiskTarget,
  payload: BootPayload,
): Promise<PayloadMismatch[]> {
  return withDisk(target, { write: false }, async (disk) => {
    const boot = await findBootPartition(disk);
    const files = new Map(payload.files.map((f) => [pathKey(normalizeBootPath(f.path)), f]));
    const editPaths = payload.edits.map((e) => normalizeBootPath(e.path));
    const paths = [
      ...new Set([...payload.files.map((f) => normalizeBootPath(f.path)), ...editPaths]),
    ];
    const onCard = await readBootFiles(disk, boot, paths);
    const mismatches: PayloadMismatch[] = [];

    for (const file of payload.files) {
      const path = normalizeBootPath(file.path);
      if (editPaths.some((p) => pathKey(p) === pathKey(path))) continue; // checked with its edits
      const actual = onCard.get(path) ?? null;
      if (!actual)
        mismatches.push({ path, problem: 'missing', detail: `${path} is not on the card` });
      else if (!actual.equals(Buffer.from(file.content))) {
        mismatches.push({
          path,
          problem: 'content',
          detail: describeDifference(Buffer.from(file.content), actual),
        });
      }
    }

    for (const path of new Set(editPaths)) {
      const actual = onCard.get(path) ?? null;
      if (!actual) {
        mismatches.push({ path, problem: 'missing', detail: `${path} is not on the card` });
        continue;
      }
      const edits = payload.edits.filter(
        (e) => pathKey(normalizeBootPath(e.path)) === pathKey(path),
      );
      const text = actual.toString('latin1');
      const base = files.get(pathKey(path));
      if (base) {
        const expected = edits.reduce(
          (t, e) => editCmdline(t, e),
          Buffer.from(base.content).toString('latin1'),
        );
        if (expected !== text) {
          mismatches.push({
            path,
            problem: 'content',
            detail: describeDifference(Buffer.from(expected, 'latin1'), actual),
          });
        }
      } else if (edits.some((e) => editCmdline(text, e) !== text)) {
        mismatches.push({
          path,
          problem: 'edit',
          detail: `${path} does not have the expected kernel arguments: ${text.trim()}`,
        });
      }
    }

    for (const problem of await checkFat(new PartitionIO(disk, boot.offset, boot.size))) {
      mismatches.push({ path: null, problem: 'fat', detail: problem });
    }
    return mismatches;
  });
}

function describeDifference(expected: Buffer, actual: Buffer): string {
  let at = 0;
  while (at < expected.length && at < actual.length && expected[at] === actual[at]) at++;
  return `expected ${expected.length} bytes, found ${actual.length}; first difference at byte ${at}`;
}
