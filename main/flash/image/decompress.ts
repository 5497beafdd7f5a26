import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { PassThrough, type Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';

import { createDecoder, type DecoderChoice } from './decoder';
import { type CompressedFormat, compressionName } from './detect-format';
import { HashingStream } from './hashing';
import { cancelled, ImageError } from './image-error';
import type { PhaseProgress } from './image-progress';
import { SparseFileSink } from './sparse-file-sink';
import { DiskHeadCheck, ZipEntryCheck } from './stream-checks';
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
}

export interface DecompressResult {
  /** sha256 of the archive as it was read (null for zip, which is read out of order). */
  sourceSha256: string | null;
  sha256: string;
  size: number;
  decoder: string;
}

const CHUNK = 1 << 20;

/**
 * Stream an archive into a raw image file in one pass:
 * source → sha256 of the source → decoder → disk-head check → sha256 of the output → sparse file.
 * The caller flushes the temporary file (flushToDisk) before renaming it, and deletes it on
 * any failure. Decoder failures become "damaged or cut short" errors naming the file.
 */
export async function decompressToFile(job: DecompressJob): Promise<DecompressResult> {
  const { sourcePath, format, progress } = job;
  const output = new HashingStream((bytes) => progress.wrote(bytes));
  // All-zero stretches stay holes: most of a disk image is free space (see SparseFileSink).
  const sink = new SparseFileSink(job.tempPath);
  const head = new DiskHeadCheck(sourcePath, format);
  let decoderError: Error | null = null;
  const watch = (stream: NodeJS.EventEmitter) => {
    stream.once('error', (error: Error) => {
      decoderError ??= error;
    });
  };

  let sourceHash: HashingStream | null = null;
  let stages: (Readable | Transform)[];
  let decoderName: string;
  if (format === 'zip') {
    if (!job.zip) throw new Error('decompressToFile: zip archive not opened');
    const { entry } = job.zip;
    const raw = await job.zip.openRaw();
    const counter = new PassThrough({ highWaterMark: CHUNK });
    counter.on('data', (chunk: Buffer) => progress.read(chunk.length));
    const check = new ZipEntryCheck(
      entry.crc32,
      entry.uncompressedSize,
      `${entry.name} in ${basename(sourcePath)}`,
      sourcePath,
    );
    stages = [raw, counter];
    if (entry.method === 8) {
      const inflate = createInflateRaw({ chunkSize: CHUNK });
      watch(inflate);
      stages.push(inflate);
    }
    stages.push(check);
    decoderName = entry.method === 8 ? 'zlib (zip deflate)' : 'zip (stored)';
  } else {
    sourceHash = new HashingStream((bytes) => progress.read(bytes));
    const decoder = createDecoder(format, job.decoder);
    watch(decoder.stream);
    stages = [createReadStream(sourcePath, { highWaterMark: CHUNK }), sourceHash, decoder.stream];
    decoderName = decoder.name;
  }

  try {
    await pipeline([...stages, head, output, sink], { signal: job.signal });
  } catch (error) {
    throw explain(error, decoderError, sourcePath, format, job.tempPath, job.signal);
  }
  return {
    sourceSha256: sourceHash ? sourceHash.digest() : null,
    sha256: output.digest(),
    size: output.bytes,
    decoder: decoderName,
  };
}

/** fsync a finished image before it is renamed into the cache (a crash must not leave holes). */
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
