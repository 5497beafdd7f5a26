import { interact } from 'balena-image-fs';
import type { Disk } from 'file-disk';

import type { BootPayload } from '../model';
import { readBootFiles } from './boot-files';
import { type BootPartition, findBootPartition } from './boot-partition';
import { editCmdline } from './cmdline';
import { DiskError, ioError, isIoError } from './errors';
import { installFatfsNextFit, startFatfsSearchAt } from './fat/fatfs-next-fit';
import {
  fixDotEntries,
  normalizeEndOfChain,
  prepareOverwrite,
  releaseEmptyFile,
  zeroDirectoryTail,
} from './fat/fatfs-workarounds';
import { PartitionIO } from './fat/partition-io';
import { checkFat, type FatSyncReport, syncFat } from './fat/sync';
import { type DirectoryRef, FatVolume, rootDirectory } from './fat/volume';
import { type DiskTarget, withDisk } from './open-disk';
import { partitionDisk } from './partition-disk';
import { normalizeBootPath, pathKey } from './payload-paths';

export interface WrittenFile {
  path: string;
  size: number;
  /** False when the file existed and was overwritten. */
  created: boolean;
}

export interface ApplyResult {
  bootPartition: BootPartition;
  /** Files written (created or overwritten). */
  written: WrittenFile[];
  /** Files already on the card with exactly the payload's content: left alone. */
  unchanged: string[];
  /** Folders that had to be created. */
  createdFolders: string[];
  fat: FatSyncReport;
}

/** A file as it must end up on the card. */
interface PlannedFile {
  path: string;
  content: Buffer;
}

/**
 * Writes a node's boot payload onto the FAT boot partition of an image file or a card (block
 * device), without mounting: files (folders created as needed, existing files overwritten),
 * cmdline.txt edits, then a clean FAT (copies mirrored, FSInfo recomputed) and a read-back of
 * every written file. Throws a DiskError (nothing half-explained) on any problem.
 */
export async function applyBootPayload(
  target: DiskTarget,
  payload: BootPayload,
): Promise<ApplyResult> {
  const name = typeof target === 'string' ? target : 'The disk';
  try {
    return await applyOpen(target, payload);
  } catch (error) {
    throw ioError(error, name);
  }
}

async function applyOpen(target: DiskTarget, payload: BootPayload): Promise<ApplyResult> {
  return withDisk(target, { write: true }, async (disk) => {
    const boot = await findBootPartition(disk);
    const io = new PartitionIO(disk, boot.offset, boot.size);
    const { written, unchanged, createdFolders, contents } = await writeBootFiles(
      disk,
      boot,
      payload,
    );
    const fat = await syncFat(io);
    await disk.flush();

    const problems = await checkFat(io);
    if (problems.length > 0) {
      throw new DiskError(
        'verify-failed',
        `The boot partition's FAT is inconsistent after writing: ${problems.join('; ')}.`,
      );
    }
    // Read back through a fresh mount: what a Pi will read, not what is cached.
    const readBack = await readBootFiles(disk, boot, [...contents.keys()]);
    for (const [path, expected] of contents) {
      const actual = readBack.get(path) ?? null;
      if (!actual || !actual.equals(expected)) {
        throw new DiskError(
          'verify-failed',
          `${path} reads back different from what was written (${expected.length} bytes written, ${actual ? `${actual.length} read` : 'file missing'}). The card may be faulty: try another card or reader.`,
          path,
        );
      }
    }
    return { bootPartition: boot, written, unchanged, createdFolders, fat };
  });
}

export interface WriteResult {
  written: WrittenFile[];
  unchanged: string[];
  createdFolders: string[];
  /** Every planned file's final content (written or unchanged), by path. */
  contents: Map<string, Buffer>;
}

/**
 * The write step alone, leaving the FAT copies and FSInfo as fatfs left them (applyBootPayload
 * syncs them afterwards); exported for tests that show why the sync is needed. A failure part
 * way leaves the boot partition partly written: the card must be flashed again.
 */
export async function writeBootFiles(
  disk: Disk,
  boot: BootPartition,
  payload: BootPayload,
): Promise<WriteResult> {
  const io = new PartitionIO(disk, boot.offset, boot.size);
  let volume = await FatVolume.open(io);
  checkWritable(volume);
  const planned = [...(await plan(volume, payload)).values()];
  const contents = new Map(planned.map((f) => [f.path, f.content]));

  // Look everything up first: conflicts fail before anything is written.
  const existing = new Map<string, boolean>();
  const unchanged: string[] = [];
  const foldersToCreate: string[] = [];
  const existingFolders = new Map<string, DirectoryRef>([['', rootDirectory]]);
  const files: PlannedFile[] = [];
  for (const file of planned) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = parts.slice(0, i).join('/');
      if (foldersToCreate.some((f) => pathKey(f) === pathKey(folder))) continue;
      const found = await volume.lookup(folder);
      if (found && !found.entry.isDirectory) {
        throw new DiskError(
          'invalid-payload',
          `Cannot create folder ${folder} on the boot partition: a file of that name exists.`,
          folder,
        );
      }
      if (!found) foldersToCreate.push(folder);
      else existingFolders.set(pathKey(folder), volume.refOf(found.entry));
    }
    const found = await volume.lookup(file.path);
    if (found?.entry.isDirectory) {
      throw new DiskError(
        'invalid-payload',
        `Cannot write ${file.path}: the boot partition has a folder of that name.`,
        file.path,
      );
    }
    // Same bytes already there: leave the file alone (no wear, and twice is byte-for-byte once).
    if (found && (await volume.readFile(found.entry)).equals(file.content)) {
      unchanged.push(file.path);
      continue;
    }
    existing.set(pathKey(file.path), found !== null);
    files.push(file);
  }
  if (files.length === 0) return { written: [], unchanged, createdFolders: [], contents };

  // fatfs's own truncate corrupts the FAT: shrink files it will overwrite ourselves. And it
  // needs the canonical end-of-chain marker on the folders it may grow.
  for (const ref of existingFolders.values()) await normalizeEndOfChain(volume, ref);
  for (const file of files) {
    const found = await volume.lookup(file.path);
    if (found) await prepareOverwrite(volume, found.entry);
  }

  installFatfsNextFit();
  startFatfsSearchAt((await volume.table()).firstFree());
  let current = '';
  try {
    await interact(partitionDisk(disk, boot), undefined, async (fs) => {
      for (const folder of foldersToCreate) {
        current = folder;
        await fs.promises.mkdir(`/${folder}`);
      }
      for (const file of files) {
        current = file.path;
        await fs.promises.writeFile(`/${file.path}`, file.content);
      }
    });
  } catch (error) {
    throw writeError(current, error);
  }

  // fatfs is done; fix what it gets wrong, on a fresh view of the FAT it changed.
  volume = await FatVolume.open(io);
  const touched = new Map<string, DirectoryRef>([['', rootDirectory]]);
  for (const folder of foldersToCreate) {
    const found = await volume.lookup(folder);
    if (!found)
      throw new DiskError('write-failed', `Folder ${folder} is missing after writing.`, folder);
    await fixDotEntries(volume, found.entry, found.parent);
    touched.set(folder, volume.refOf(found.entry));
  }
  for (const file of files) {
    const found = await volume.lookup(file.path);
    if (!found)
      throw new DiskError('write-failed', `${file.path} is missing after writing.`, file.path);
    if (file.content.length === 0) await releaseEmptyFile(volume, found.entry);
    const parent = file.path.split('/').slice(0, -1).join('/');
    touched.set(parent, found.parent);
  }
  for (const ref of touched.values()) await zeroDirectoryTail(volume, ref);

  return {
    written: files.map((f) => ({
      path: f.path,
      size: f.content.length,
      created: !existing.get(pathKey(f.path)),
    })),
    unchanged,
    createdFolders: foldersToCreate,
    contents,
  };
}

/**
 * Final contents by path: the payload's files, then each cmdline edit applied to the payload's
 * version of the file or else the card's.
 */
async function plan(fat: FatVolume, payload: BootPayload): Promise<Map<string, PlannedFile>> {
  const out = new Map<string, PlannedFile>();
  for (const file of payload.files) {
    const path = normalizeBootPath(file.path);
    if (out.has(pathKey(path))) {
      throw new DiskError('invalid-payload', `The payload writes ${path} twice.`, path);
    }
    out.set(pathKey(path), { path, content: Buffer.from(file.content) });
  }
  for (const edit of payload.edits) {
    const path = normalizeBootPath(edit.path);
    const fromPayload = out.get(pathKey(path));
    let base = fromPayload?.content;
    if (!base) {
      const found = await fat.lookup(path);
      if (!found || found.entry.isDirectory) {
        throw new DiskError(
          'boot-file-missing',
          `${path} is not on the boot partition, so the kernel arguments cannot be set. This image does not boot a Raspberry Pi: choose another image.`,
          path,
        );
      }
      base = await fat.readFile(found.entry);
    }
    // latin1 maps every byte to one character and back: bytes we do not touch stay as they were.
    const before = base.toString('latin1');
    out.set(pathKey(path), {
      path: fromPayload?.path ?? path,
      content: Buffer.from(editCmdline(before, edit), 'latin1'),
    });
  }
  return out;
}

function checkWritable(volume: FatVolume): void {
  const { geometry } = volume;
  // balena-image-fs drives fatfs with 512-byte sectors, and fatfs writes the first FAT only.
  if (geometry.bytesPerSector !== 512) {
    throw new DiskError(
      'unsupported-filesystem',
      `The boot partition uses ${geometry.bytesPerSector}-byte sectors; only 512 is supported.`,
    );
  }
  if (geometry.activeFat !== null && geometry.activeFat !== 0) {
    throw new DiskError(
      'unsupported-filesystem',
      `The boot partition uses FAT copy ${geometry.activeFat + 1} only (mirroring off); this is not supported.`,
    );
  }
}

function writeError(path: string, error: unknown): unknown {
  if (error instanceof DiskError || isIoError(error)) return error; // ioError explains those
  const code = (error as { code?: string }).code;
  const reason =
    code === 'NOSPC'
      ? 'the boot partition is full'
      : code === 'ACCES'
        ? 'the file is read-only on the card'
        : (error as Error).message;
  return new DiskError(
    'write-failed',
    `Writing ${path} to the boot partition failed: ${reason}.`,
    path,
  );
}
