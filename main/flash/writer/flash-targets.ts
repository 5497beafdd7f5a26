import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

import type { Drive as DrivelistDrive } from 'drivelist';
import type { ReadResult, WriteResult } from 'file-disk';

import type { ImageExtent } from '../image/image-extent';
import { BlockDevice, File } from './etcher';
import type { TargetInfo } from './target-info';

/**
 * etcher-sdk's sources and destinations, as the writer uses them:
 *
 * - every read and write first checks the job's AbortSignal, so a cancelled job stops at the next
 *   chunk (etcher-sdk takes no signal; a failing read or write ends its streams, which it reports
 *   through `onFail`);
 * - the block device is opened once, O_RDWR | O_EXCL | O_DIRECT, without etcher-sdk's retries
 *   (it retries EBUSY on open for minutes) and without its unmount step: that step loads
 *   `mountutils`, a NAN module whose binary only loads in the runtime it was built for. On Linux
 *   the writer refuses mounted targets itself instead (see check-target.ts), and O_EXCL makes
 *   the kernel refuse a device that is mounted or opened exclusively by someone else; on macOS,
 *   which mounts every inserted card, it unmounts with `diskutil unmountDisk` (the platform
 *   tool, no native module). On Windows, where etcher-sdk does not unmount but cleans the disk
 *   with diskpart (a child process), its own open step is kept.
 *
 * What runs where: etcher-sdk itself is JavaScript. The parts the writer imports (etcher.ts)
 * load two native modules, both N-API (one binary for every Node and Electron version):
 * @ronomon/direct-io (aligned buffers for O_DIRECT) and xxhash-addon (verification checksums).
 * mountutils (NAN) is loaded only by etcher-sdk's unmount step, which the writer never runs; so
 * the writer works under plain Node (tests, CLI) and under Electron run as Node
 * (ELECTRON_RUN_AS_NODE, the packaged app) without rebuilding anything. The app process loads
 * only @ronomon/direct-io, and only optionally (image/read-file-in-pieces.ts: aligned buffers to
 * hash a new cache image with O_DIRECT; without it, an ordinary read).
 */

export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor() {
    super('Cancelled');
  }
}

function checkSignal(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeScript's mixin pattern needs any[]
type SourceDestinationClass = new (...args: any[]) => File;

/**
 * What the writer adds to an etcher-sdk source or destination, once for all of them: every
 * read and write first checks the job's signal (set by the subclass's constructor), and
 * `bytesWritten` counts what the target accepted (a short write is an error, see fullWrite).
 */
function guarded<Base extends SourceDestinationClass>(base: Base) {
  return class Guarded extends base {
    protected signal!: AbortSignal;
    /** Bytes handed to the target and accepted by it (what the card really had written). */
    bytesWritten = 0;
    #held = false;

    /**
     * Keeps the target open through etcher-sdk's close (each write pass ends with one), so the
     * next pass writes through the same exclusive handle: nobody else can open the card in
     * between, and etcher-sdk's open step (diskpart clean, on Windows) runs once.
     */
    hold(): void {
      this.#held = true;
    }

    /** Makes sure what was written reached the target (fsync; it must be open). */
    async sync(): Promise<void> {
      await this.fileHandle.sync();
    }

    /** Closes a held target. */
    async release(): Promise<void> {
      this.#held = false;
      await this.close();
    }

    override async close(): Promise<void> {
      if (!this.#held) await super.close();
    }

    override async read(
      buffer: Buffer,
      bufferOffset: number,
      length: number,
      sourceOffset: number,
    ): Promise<ReadResult> {
      checkSignal(this.signal);
      return super.read(buffer, bufferOffset, length, sourceOffset);
    }

    override async write(
      buffer: Buffer,
      bufferOffset: number,
      length: number,
      fileOffset: number,
    ): Promise<WriteResult> {
      checkSignal(this.signal);
      const result = await super.write(buffer, bufferOffset, length, fileOffset);
      this.bytesWritten += fullWrite(result, length, fileOffset).bytesWritten;
      return result;
    }
  };
}

/** What the writer reads from and writes to: etcher-sdk's File, counting what was written. */
export type GuardedFile = File & {
  readonly bytesWritten: number;
  hold(): void;
  sync(): Promise<void>;
  release(): Promise<void>;
};

/**
 * The raw image, read-only, stopping at the next chunk once the job is cancelled. With an
 * `extent`, the image is still being decompressed: its size is the final one, and each read
 * waits until the image reaches past it.
 */
export function imageSource(
  path: string,
  signal: AbortSignal,
  extent: ImageExtent | null = null,
): GuardedFile {
  return new ImageSource(path, signal, extent);
}

/** Where the card is written: the card's block device, or an image file (tests, image work). */
export function flashDestination(info: TargetInfo, signal: AbortSignal): GuardedFile {
  return info.kind === 'block'
    ? new CardDestination(info, signal)
    : new FileDestination(info.path, signal);
}

// The classes stay inside this module: a class built by a mixin cannot be exported from a
// composite (declaration-emitting) project, so the factories above are the front door.
class ImageSource extends guarded(File) {
  constructor(
    path: string,
    signal: AbortSignal,
    private readonly extent: ImageExtent | null,
  ) {
    super({ path, write: false });
    this.signal = signal;
  }

  override async read(
    buffer: Buffer,
    bufferOffset: number,
    length: number,
    sourceOffset: number,
  ): Promise<ReadResult> {
    await this.extent?.waitToRead(sourceOffset, length, this.signal);
    return super.read(buffer, bufferOffset, length, sourceOffset);
  }

  protected override async _getMetadata() {
    const metadata = await super._getMetadata();
    return this.extent ? { ...metadata, size: this.extent.size } : metadata;
  }
}

/** A card (block device) as an etcher-sdk destination; see the note at the top. */
class CardDestination extends guarded(BlockDevice) {
  constructor(
    readonly info: TargetInfo,
    signal: AbortSignal,
  ) {
    super({ drive: drivelistDrive(info), write: true, direct: true, unmountOnSuccess: false });
    this.signal = signal;
  }

  protected override async _open(): Promise<void> {
    if (process.platform === 'win32') return super._open();
    checkSignal(this.signal);
    if (process.platform === 'darwin') await unmountDarwinDisk(this.path);
    this.fileHandle = await open(this.path, this.getOpenFlags());
  }
}

/**
 * An image file as a destination (tests, and writing a card image to a file). Opened read-write
 * without O_CREAT or truncation: the file must exist, like a card.
 */
class FileDestination extends guarded(File) {
  constructor(path: string, signal: AbortSignal) {
    super({ path, write: true });
    this.signal = signal;
  }

  protected override getOpenFlags(): number {
    return constants.O_RDWR;
  }

  protected override async _open(): Promise<void> {
    checkSignal(this.signal);
    this.fileHandle = await open(this.path, this.getOpenFlags());
  }
}

/** macOS: unmount every volume of the disk (/dev/rdiskN and /dev/diskN name the same disk). */
function unmountDarwinDisk(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('diskutil', ['unmountDisk', path.replace('/dev/rdisk', '/dev/disk')], (error) =>
      error
        ? reject(
            Object.assign(new Error(`diskutil unmountDisk failed: ${error.message}`), {
              code: 'EBUSY',
            }),
          )
        : resolve(),
    );
  });
}

/**
 * A device that is full or failing can accept part of a write and fail the rest on the next
 * call; etcher-sdk's streams do not look at the count, so a short write is an error here.
 */
function fullWrite(result: WriteResult, length: number, offset: number): WriteResult {
  if (result.bytesWritten < length) {
    throw Object.assign(
      new Error(`only ${result.bytesWritten} of ${length} bytes written at offset ${offset}`),
      { code: 'ENOSPC' },
    );
  }
  return result;
}

/**
 * The drive object etcher-sdk's BlockDevice wants (drivelist's shape). Loop devices are not in
 * drivelist's list, so it is built from what the writer read in sysfs.
 */
function drivelistDrive(info: TargetInfo): DrivelistDrive {
  return {
    blockSize: info.logicalBlockSize,
    logicalBlockSize: info.logicalBlockSize,
    busType: info.usb ? 'USB' : 'UNKNOWN',
    busVersion: null,
    description: info.name ?? info.path,
    device: info.path,
    devicePath: info.sysfsDir,
    raw: info.path,
    enumerator: 'kubeflash-writer',
    error: null,
    isCard: null,
    isReadOnly: info.readOnly === true,
    isRemovable: info.removable,
    isSCSI: null,
    isSystem: false,
    isUAS: null,
    isUSB: info.usb,
    isVirtual: info.loopBackingFile !== null,
    mountpoints: [],
    size: info.size,
    partitionTableType: null,
  };
}
