import type { Disk } from 'file-disk';

import { KubeflashError } from '../../../common/errors';
import { applyBootPayload, type PayloadMismatch, readBackPayload } from '../../provision/disk';
import { type BootPayload, osFamilies, type OsFamily } from '../../provision/model';
import type { ImageExtent } from '../image/image-extent';
import { findBootArea, leaveOutAllButBootArea, leaveOutBootArea } from './boot-area';
import { type CheckOptions, checkTarget } from './check-target';
import { type DiscardReport, discardUnused } from './discard-unused';
import { ejectCard, flushBuffers } from './eject';
import {
  ConfiguredSource,
  pipeSourceToDestinations,
  type PipeSourceToDestinationsResult,
  SourceDisk,
  trimExtFreeBlocks,
} from './etcher';
import { AbortedError, flashDestination, type GuardedFile, imageSource } from './flash-targets';
import type { PendingPayload } from './pending-payload';
import { progressReporter } from './progress-reporter';
import type { BootPayloadMessage, FlashProgress, FlashRequest, FlashResult } from './protocol';

export interface ExecuteOptions extends CheckOptions {
  /** Eject the card at the end (default true; loop devices and files are never ejected). */
  eject?: boolean;
  /** Granularity of trimmed (not written) ranges (default 4 KiB; etcher-sdk's is 1 MiB). */
  chunkSize?: number;
  /** Called with what was left out besides ext free blocks (tests, logs). */
  onDiscarded?: (report: DiscardReport) => void;
  /** How far the image is, when the app is still decompressing it (request.imageGrowing). */
  imageExtent?: ImageExtent | null;
  /** Where the payload comes, when the request came without it (request.payload null). */
  payload?: PendingPayload | null;
}

const KiB = 1024;

/**
 * Writes one card, in the elevated writer process:
 *
 * 1. checking — the target is re-identified and must still be the card the user selected (path,
 *    size, serial, sha256 of its first MiB); mounted, in-use, read-only and too-small targets are
 *    refused before anything is written;
 * 2. configuring — etcher-sdk's `configure` hook writes the node's boot payload into a
 *    copy-on-write view of the raw image (applyBootPayload: files, cmdline edits, clean FAT),
 *    then marks what the card does not need (discard-unused.ts; etcher-sdk's `trim` adds the
 *    free blocks of ext filesystems);
 * 3. writing / verifying — etcher-sdk `pipeSourceToDestinations` writes the allocated blocks of
 *    that configured view only, then reads them all back against their checksums;
 * 4. reading-back — the boot files are read again from the card itself (kernel buffers dropped
 *    first) and compared with the payload, and the FAT must be clean;
 * 5. ejecting — the card ejected where that means something.
 *
 * A request without its payload (the app is still unlocking the secrets: `kubeflash flash`
 * derives its key, a fraction of a second, as the card starts) is written in two such passes
 * through the same open card: first everything but the boot area (boot-area.ts), with the
 * partition table zeroed, then — configuring, once the payload came — the boot area. The key
 * derivation then runs beside the bulk of the write instead of before it.
 *
 * etcher-sdk's own entry point, decompressThenFlash, builds the configured view only when it can
 * read the source at random, and otherwise flashes the image unconfigured with a console
 * warning; it also asks `df` for free space on every pass, for a decompression we never let it
 * do. Here the view (etcher-sdk's ConfiguredSource) is built explicitly, so the hook always
 * runs, and the hook records that it ran: a card is never reported done without its boot files.
 *
 * Errors are KubeflashErrors that say what to do; a write that fails part way (card pulled, I/O
 * error) says the node must be flashed again. `signal` cancels between chunks ('Cancelled').
 */
export async function executeFlash(
  request: FlashRequest,
  onProgress: (progress: FlashProgress) => void,
  signal: AbortSignal,
  options: ExecuteOptions = {},
): Promise<FlashResult> {
  const device = request.card.device;
  const inlinePayload = request.payload ? toBootPayload(request.payload) : null;
  const pendingPayload = options.payload ?? null;
  if (!inlinePayload && !pendingPayload) {
    throw new KubeflashError(
      'internal',
      'The request says its boot payload follows, but the writer has no way to receive it.',
    );
  }
  const report = progressReporter(onProgress);
  const cancelled = () => new KubeflashError('unavailable', 'Cancelled', device);
  try {
    report.phase('checking', 0, null);
    throwIfAborted(signal);
    const extent = growingImage(request, options.imageExtent ?? null);
    const target = await checkTarget(request.imagePath, request.card, options, extent?.size);
    throwIfAborted(signal);

    const destination = flashDestination(target.info, signal);
    destination.hold(); // one open card for every pass
    const image = imageSource(request.imagePath, signal, extent);
    const pass = (configure: WritePass['configure']) =>
      writePass({ image, destination, configure, request, options, report, signal });
    let configured = false;
    const configureWith = async (disk: Disk, payload: BootPayload) => {
      throwIfAborted(signal);
      await applyBootPayload(disk, payload);
      // Always discarded; the report is only for whoever asked (`?.` would skip the call).
      const discarded = await discardUnused(disk);
      options.onDiscarded?.(discarded);
      configured = true;
      report.phase('writing', 0, null);
    };
    const inOnePass = async (payload: BootPayload) => {
      await pass(async (disk, trimExt) => {
        report.phase('configuring', 0, null);
        await configureWith(disk, payload);
        await trimExt();
      });
      return payload;
    };
    const bootAreaLast = async (pending: PendingPayload) => {
      await image.open();
      const area = await findBootArea(new SourceDisk(image));
      const imageSize = (await image.getMetadata()).size ?? 0;
      // Nothing outside the boot area (a FAT-only image): one pass, once the payload came.
      if (area.end >= imageSize) {
        report.phase('configuring', 0, null);
        return inOnePass(toBootPayload(await pending.wait(signal)));
      }
      await pass(async (disk, trimExt) => {
        report.phase('writing', 0, null);
        await discardUnused(disk);
        await trimExt();
        await leaveOutBootArea(disk, area); // last: it zeroes the partition table they read
      });
      report.phase('configuring', 0, null);
      // The bulk of the card goes out of the kernel's and the reader's buffers while the
      // payload is made; the flush after the boot area then has only that left.
      await destination.sync();
      const payload = toBootPayload(await pending.wait(signal));
      await pass(async (disk) => {
        await configureWith(disk, payload);
        await leaveOutAllButBootArea(disk, area);
      });
      return payload;
    };
    let payload: BootPayload;
    try {
      payload = inlinePayload
        ? await inOnePass(inlinePayload)
        : await bootAreaLast(pendingPayload!);
    } finally {
      // On success etcher-sdk has closed the image; after a failure it may not have.
      await Promise.allSettled([image.close(), destination.release()]);
    }
    if (!configured) {
      throw new KubeflashError(
        'internal',
        `The card in ${device} was written without this node's boot files (the image could not be configured). Do not use it: flash this node again.`,
        device,
      );
    }

    report.phase('reading-back', 0, null);
    await flushBuffers(target.info);
    throwIfAborted(signal);
    const mismatches = await readBackPayload(device, payload);
    if (mismatches.length > 0) throw readBackFailure(device, mismatches);
    const bootFilesVerified = new Set([
      ...payload.files.map((f) => f.path.toLowerCase()),
      ...payload.edits.map((e) => e.path.toLowerCase()),
    ]).size;
    report.phase('reading-back', 1, 1);

    report.phase('ejecting', 0, null);
    // Nothing to flush again: everything reached the card before the read-back, which only read.
    const ejected = options.eject === false ? false : await ejectCard(target.info);
    return {
      bytesWritten: destination.bytesWritten,
      verified: request.verify,
      bootFilesVerified,
      ejected,
    };
  } catch (error) {
    if (signal.aborted || error instanceof AbortedError) throw cancelled();
    if (error instanceof KubeflashError) throw error;
    throw writeFailure(device, error);
  }
}

interface WritePass {
  image: GuardedFile;
  destination: GuardedFile;
  /**
   * Changes the configured view before it is written: the payload, and what is left out;
   * `trimExt` leaves out the free blocks of ext filesystems (etcher-sdk's `trim`).
   */
  configure: (disk: Disk, trimExt: () => Promise<void>) => Promise<void>;
  request: FlashRequest;
  options: ExecuteOptions;
  report: ReturnType<typeof progressReporter>;
  signal: AbortSignal;
}

/** Writes (and verifies) the allocated blocks of one configured view of the image. */
async function writePass(pass: WritePass): Promise<void> {
  const { image, destination, report, signal } = pass;
  // Built here rather than by decompressThenFlash (see above); `chunkSize` is also the
  // granularity of what is left out (etcher-sdk's own default: 1 MiB). 4 KiB — a filesystem
  // block, bmaptool's granularity — writes what the image holds and barely more; reads
  // and writes within a range still go in 1 MiB pieces.
  const source: ConfiguredSource = new ConfiguredSource({
    source: image,
    // Trimmed from the hook instead, where the pass wants it (before the table is zeroed).
    shouldTrimPartitions: false,
    createStreamFromDisk: true,
    chunkSize: pass.options.chunkSize ?? 4 * KiB,
    configure: (disk) => pass.configure(disk, () => trimExtFreeBlocks(source)),
  });
  const failures: Error[] = [];
  let result: PipeSourceToDestinationsResult;
  try {
    result = await pipeSourceToDestinations({
      source,
      destinations: [destination],
      // Four 1 MiB buffers, not etcher-sdk's 16: writes go one at a time, so a deeper read-ahead
      // buys nothing, while 16 aligned buffers a pass cost CPU the unlock's scrypt needs.
      numBuffers: 4,
      verify: pass.request.verify,
      onProgress: (progress) => report.etcher(progress),
      onFail: (_destination, error) => failures.push(error),
    });
  } finally {
    await Promise.allSettled([source.close(), image.close()]);
  }
  throwIfAborted(signal);
  const failure = failures[0] ?? result.failures.values().next().value;
  if (failure) throw writeFailure(pass.request.card.device, failure);
  report.finish();
}

/** The extent of a growing image; a request and an extent must agree on it. */
function growingImage(request: FlashRequest, extent: ImageExtent | null): ImageExtent | null {
  const announced = request.imageGrowing?.size ?? null;
  if (announced === (extent?.size ?? null)) return extent;
  throw new KubeflashError(
    'internal',
    announced === null
      ? 'The writer was told how far an image is, but the request names a complete image.'
      : `The image is still being decompressed (${announced} bytes), but the writer was not told how far it is.`,
  );
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new AbortedError();
}

/** The request's payload (base64 over the wire) as the disk layer takes it. */
function toBootPayload(payload: BootPayloadMessage): BootPayload {
  if (!(osFamilies as readonly string[]).includes(payload.family)) {
    throw new KubeflashError(
      'invalid-request',
      `Unknown OS family ${payload.family}: the app and the writer disagree. Restart the app.`,
      'payload.family',
    );
  }
  return {
    family: payload.family as OsFamily,
    files: payload.files.map((f) => ({
      path: f.path,
      content: new Uint8Array(Buffer.from(f.contentBase64, 'base64')),
    })),
    edits: payload.edits.map((e) => ({
      path: e.path,
      ensure: [...e.ensure],
      remove: [...e.remove],
    })),
  };
}

const interruptedCodes = new Set([
  'ENOSPC',
  'EIO',
  'EUNPLUGGED',
  'ENXIO',
  'ENODEV',
  'ENOMEDIUM',
  'EBADF',
  'ESHUTDOWN',
  'ETIMEDOUT',
]);

/** A failure while writing or verifying, as an error that says the node must be flashed again. */
function writeFailure(device: string, error: unknown): KubeflashError {
  if (error instanceof KubeflashError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EVALIDATION') {
    return new KubeflashError(
      'unavailable',
      `The card in ${device} does not read back what was written (${message}). The card or reader may be faulty: flash this node again, preferably with another card.`,
      device,
    );
  }
  if (code && interruptedCodes.has(code)) {
    // On a card that passed the size check, even ENOSPC means the device stopped taking data.
    const reason =
      code === 'ENXIO' || code === 'ENODEV' || code === 'ENOMEDIUM'
        ? 'the card or reader was removed'
        : 'the card was pulled out or has failed';
    return new KubeflashError(
      'unavailable',
      `Writing ${device} failed part way (${code === 'EUNPLUGGED' ? 'EIO' : code}): ${reason}. The card is incomplete and will not boot: insert it again (or another card) and flash this node again.`,
      device,
    );
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new KubeflashError(
      'permission-denied',
      `${device} refused the write (${code}): the card is read-only or locked. Unlock it, insert it again and flash this node again.`,
      device,
    );
  }
  if (code === 'EBUSY') {
    return new KubeflashError(
      'invalid-request',
      `${device} is busy: another program (or another flash) has it open. Close it, then flash again.`,
      device,
    );
  }
  return new KubeflashError(
    'internal',
    `Flashing ${device} failed: ${message}. Flash this node again.`,
    device,
  );
}

function readBackFailure(device: string, mismatches: PayloadMismatch[]): KubeflashError {
  const first = mismatches[0]!;
  const what = first.path
    ? `${first.path}: ${first.detail}`
    : `the boot partition: ${first.detail}`;
  const more = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more problems)` : '';
  return new KubeflashError(
    'unavailable',
    `The boot files on ${device} do not read back as written — ${what}${more}. The card or reader may be faulty: flash this node again, preferably with another card.`,
    first.path ?? device,
  );
}
