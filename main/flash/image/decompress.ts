import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { createInflateRaw } from 'node:zlib';

import { BackgroundFlush } from './background-flush';
import { createDecoder, type DecoderChoice, fileWritingDecoder } from './decoder';
import { type CompressedFormat, compressionName } from './detect-format';
import { HashingStream } from './hashing';
import { cancelled, ImageError } from './image-error';
import type { PhaseProgress } from './image-progress';
import { FileToFileDecoder, FileWritingDecoder, type ToolCommand } from './process-decoder';
import { SparseFileSink } from './sparse-file-sink';
import { DiskHeadCheck, WrittenImageWatch, ZipEntryCheck } from './stream-checks';
import { xzUncompressedSize } from './xz-index';
import type { ZipImage } from './zip-image';

export interface DecompressJob {
  sourcePath: string;
  format: CompressedFormat;
  /** The opened archive when format is zip. */
  zip?: ZipImage;
  tempPath: string;
  decoder: DecoderChoice;
  progress: PhaseProgress;
  signal?: AbortSignal;
  /**
   * Hash the image as it streams through this process: only when a published image checksum is
   * to be compared (see CacheEntry.sha256). A system tool's output is never hashed here.
   */
  hash: boolean;
  /**
   * Whether a system tool that writes the image itself also reads the archive itself
   * (FileToFileDecoder) rather than through a pipe from this process. Default: on Linux, where
   * its progress can be read from /proc; tests choose.
   */
  toolReadsArchive?: boolean;
  /**
   * Told how far the image is (bytes from its start that are final), at each look once its head
   * passed the disk-image check, when a system tool reads the archive itself and the image's
   * final size was known before it began (`knownSize`, from an .xz index): a card can then be
   * written while the image grows.
   */
  onGrowth?: (written: number) => void;
  /** Called with the image's final size, when it is known before decompressing. */
  onKnownSize?: (size: number) => void;
}

export interface DecompressResult {
  /**
   * sha256 of the raw image when `hash` asked for it; null otherwise, and when a system tool
   * wrote the file itself (hash the finished file then, uncached: see readFileInPieces).
   */
  sha256: string | null;
  size: number;
  decoder: string;
  /** A system tool wrote the file itself: it is not flushed yet (the caller does that). */
  toolWroteFile: boolean;
}

const CHUNK = 1 << 20;

/**
 * Decompress an archive into a raw image file in one pass. Where a system tool can write the
 * file itself (fileWritingDecoder): source → the tool → sparse file, the head checked in the
 * file. Otherwise the output streams through this process:
 * source → decoder → disk-head check → byte count (and sha256) of the output → sparse file.
 * The caller flushes the temporary file (flushToDisk) before renaming it, and deletes it on
 * any failure. Decoder failures become "damaged or cut short" errors naming the file.
 */
export async function decompressToFile(job: DecompressJob): Promise<DecompressResult> {
  const direct = job.format === 'zip' ? null : fileWritingDecoder(job.format, job.decoder);
  if (direct) return decompressWithTool(job, direct.tool, direct.name);
  const { sourcePath, format, progress } = job;
  const output = new HashingStream((bytes) => progress.wrote(bytes), job.hash);
  // All-zero stretches stay holes: most of a disk image is free space (see SparseFileSink).
  const sink = new SparseFileSink(job.tempPath);
  const head = new DiskHeadCheck(sourcePath, format);
  let decoderError: Error | null = null;
  const watch = (stream: NodeJS.EventEmitter) => {
    stream.once('error', (error: Error) => {
      decoderError ??= error;
    });
  };

  let stages: (Readable | Transform)[];
  let decoderName: string;
  if (format === 'zip') {
    if (!job.zip) throw new Error('decompressToFile: zip archive not opened');
    const { entry } = job.zip;
    const raw = await job.zip.openRaw();
    const check = new ZipEntryCheck(
      entry.crc32,
      entry.uncompressedSize,
      `${entry.name} in ${basename(sourcePath)}`,
      sourcePath,
    );
    stages = [raw, readCounter(progress)];
    if (entry.method === 8) {
      const inflate = createInflateRaw({ chunkSize: CHUNK });
      watch(inflate);
      stages.push(inflate);
    }
    stages.push(check);
    decoderName = entry.method === 8 ? 'zlib (zip deflate)' : 'zip (stored)';
  } else {
    const decoder = await createDecoder(format, job.decoder);
    watch(decoder.stream);
    stages = [
      createReadStream(sourcePath, { highWaterMark: CHUNK }),
      readCounter(progress),
      decoder.stream,
    ];
    decoderName = decoder.name;
  }

  try {
    await pipeline([...stages, head, output, sink], { signal: job.signal });
  } catch (error) {
    throw explain(error, decoderError, sourcePath, format, job.tempPath, job.signal);
  }
  return {
    sha256: output.digest(),
    size: output.bytes,
    decoder: decoderName,
    toolWroteFile: false,
  };
}

async function decompressWithTool(
  job: DecompressJob,
  tool: ToolCommand,
  name: string,
): Promise<DecompressResult> {
  const { sourcePath, format, progress } = job;
  // An .xz lists its image's size at its end: read first, it refuses a cut-short file at once.
  const knownSize = format === 'xz' ? await xzUncompressedSize(tool.command, sourcePath) : null;
  if (knownSize !== null) job.onKnownSize?.(knownSize);
  // Read and write: the watch reads the image's head back while the tool writes the rest.
  const output = await open(job.tempPath, 'wx+');
  const flush = new BackgroundFlush(output);
  const watch = new WrittenImageWatch(output, sourcePath, format, progress, (size) =>
    flush.grewTo(size),
  );
  const decoderError: { error: Error | null } = { error: null };
  try {
    if (job.toolReadsArchive ?? process.platform === 'linux') {
      const growth = knownSize === null ? undefined : job.onGrowth;
      await toolReadsArchive(job, tool, output.fd, watch, decoderError, growth);
    } else {
      const decoder = new FileWritingDecoder(tool, output.fd);
      decoder.once('error', (error: Error) => {
        decoderError.error ??= error;
      });
      const source = createReadStream(sourcePath, { highWaterMark: CHUNK });
      await pipeline([source, readCounter(progress), watch, decoder], { signal: job.signal });
    }
    await watch.finished();
    if (knownSize !== null && watch.size !== knownSize) {
      throw new ImageError(
        'corrupt-archive',
        `${basename(sourcePath)} is damaged: it decompressed to ${watch.size} bytes, but its xz index says ${knownSize}. Download it again.`,
        sourcePath,
      );
    }
    await flush.settle();
  } catch (error) {
    throw explain(error, decoderError.error, sourcePath, format, job.tempPath, job.signal);
  } finally {
    await flush.settle().catch(() => {}); // failed already; only the handle is left to close
    await output.close();
  }
  return { sha256: null, size: watch.size, decoder: name, toolWroteFile: true };
}

/**
 * How often the tool's progress and output are looked at while it reads the archive itself;
 * more often while a card is written behind it.
 */
const LOOK_INTERVAL_MS = 200;
const GROWTH_LOOK_INTERVAL_MS = 50;

/**
 * The tool reads the archive and writes the image; this process only looks, every
 * LOOK_INTERVAL_MS until the tool exits: how far it has read (progress), and the output (its
 * size, and the disk-head check, which stops the tool when the output is not a disk image).
 */
async function toolReadsArchive(
  job: DecompressJob,
  tool: ToolCommand,
  outputFd: number,
  watch: WrittenImageWatch,
  decoderError: { error: Error | null },
  onGrowth?: (written: number) => void,
): Promise<void> {
  const interval = onGrowth ? GROWTH_LOOK_INTERVAL_MS : LOOK_INTERVAL_MS;
  const input = await open(job.sourcePath, 'r');
  try {
    const archiveBytes = (await input.stat()).size;
    const decoder = new FileToFileDecoder(tool, input.fd, outputFd);
    const exited = decoder.exited.then(
      () => true,
      (error: Error) => {
        decoderError.error ??= error;
        throw error;
      },
    );
    exited.catch(() => {}); // raced below; after a failed look nobody waits for it
    let reported = 0;
    const reportRead = (bytes: number) => {
      job.progress.read(bytes - reported);
      reported = bytes;
    };
    try {
      while (!(await Promise.race([exited, delay(interval, false, { signal: job.signal })]))) {
        const consumed = await decoder.consumed();
        if (consumed !== null && consumed > reported) reportRead(consumed);
        await watch.look();
        if (watch.headChecked) onGrowth?.(watch.size);
      }
    } finally {
      decoder.stop(); // after a failed look or a cancel; a no-op once it exited
    }
    reportRead(archiveBytes);
  } finally {
    await input.close();
  }
}

/** Counts the compressed bytes read, as the phase's progress. */
function readCounter(progress: PhaseProgress): PassThrough {
  const counter = new PassThrough({ highWaterMark: CHUNK });
  counter.on('data', (chunk: Buffer) => progress.read(chunk.length));
  return counter;
}

/** fsync a finished image before the cache lists it (after a crash, no listed image has holes). */
export async function flushToDisk(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const truncation =
  /unexpected(ly)? end|ends unexpectedly|premature|truncat|\beof\b|no progress|end of (file|input|stream)/i;

function explain(
  error: unknown,
  decoderError: Error | null,
  sourcePath: string,
  format: CompressedFormat,
  tempPath: string,
  signal: AbortSignal | undefined,
): unknown {
  if (error instanceof ImageError) return error;
  const name = basename(sourcePath);
  if (signal?.aborted || (error as Error | null)?.name === 'AbortError') return cancelled(name);
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new ImageError(
      'no-space',
      `The disk holding the image cache is full: decompressing ${name} needs more space in ${dirname(dirname(tempPath))}. Free some space or clear the image cache in Settings.`,
      sourcePath,
    );
  }
  if (decoderError && (error === decoderError || !code)) {
    const detail = decoderError.message || String(decoderError);
    return new ImageError(
      'corrupt-archive',
      truncation.test(detail)
        ? `${name} is cut short (truncated): its ${compressionName(format)} data ends early (${detail}). Download it again.`
        : `${name} is damaged: its ${compressionName(format)} data cannot be decompressed (${detail}). Download it again.`,
      sourcePath,
    );
  }
  return error;
}
