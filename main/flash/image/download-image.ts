import { createHash, type Hash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { identify, rememberFileHash } from './file-hash-memo';
import { sha256File } from './hashing';
import { contentLength, isRetryableStatus, parseContentRange } from './http-range';
import {
  cancelled,
  checksumMismatch,
  formatBytes,
  ImageError,
  normaliseSha256,
} from './image-error';
import { PhaseProgress, type ProgressListener } from './image-progress';

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

export interface DownloadOptions {
  /** Where the finished file goes; `<dest>.part` holds it while it downloads. */
  dest: string;
  expectedSize?: number;
  expectedSha256?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  /** Defaults to the global fetch; tests pass one bound to a loopback server. */
  fetch?: Fetcher;
  /** Attempts in all, the first included (default 5), and the first retry delay (doubles). */
  maxAttempts?: number;
  retryDelayMs?: number;
  /** An attempt that receives nothing for this long is abandoned and retried (default 30 s). */
  stallTimeoutMs?: number;
  /** The image cache folder: remember the file's sha256 there, so prepareImage need not hash it. */
  cacheDir?: string;
}

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
  /** Requests made (1 when nothing went wrong). */
  attempts: number;
  /** Some bytes came from an earlier attempt (a Range request continued them). */
  resumed: boolean;
  /** The server ignored a Range request and the download started over. */
  restarted: boolean;
}

/** Where a download of `url` goes in the image cache: its downloads/ folder, by file name. */
export function downloadPath(cacheDir: string, url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').replace(
    /[^\w.+-]/g,
    '_',
  );
  return join(cacheDir, 'downloads', name || 'image');
}

/** An attempt's failure that another attempt may cure (network trouble, a 5xx, a cut stream). */
class Retryable extends Error {}

const MAX_RETRY_DELAY_MS = 10_000;

/**
 * Download an image with resume: bytes go to `<dest>.part`; after an interruption the next
 * attempt asks for the rest with a Range request (a server that ignores Range answers 200 and
 * the file starts over). At most `maxAttempts` requests, with doubling delays between them.
 * The size and sha256 are checked before the file is renamed to `dest`; a mismatch removes the
 * .part file. HTTP errors other than 408/429/5xx fail at once with the status.
 */
export async function downloadImage(
  url: string,
  options: DownloadOptions,
): Promise<DownloadResult> {
  const fetcher = options.fetch ?? fetch;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const retryDelayMs = options.retryDelayMs ?? 500;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const expectedSha256 = options.expectedSha256 ? normaliseSha256(options.expectedSha256) : null;
  if (options.expectedSha256 && !expectedSha256) {
    throw new ImageError(
      'checksum-mismatch',
      `The published checksum "${options.expectedSha256}" for ${url} is not a sha256 (64 hex digits).`,
      url,
    );
  }
  const expectedSize = options.expectedSize ?? null;
  const { dest } = options;
  const part = `${dest}.part`;
  const name = basename(dest);
  await mkdir(dirname(dest), { recursive: true });

  const progress = new PhaseProgress('downloading', expectedSize, options.onProgress);
  const state: PartState = { hash: createHash('sha256'), hashed: 0 };
  let attempts = 0;
  let resumed = false;
  let restarted = false;
  let lastProblem = '';

  for (;;) {
    if (options.signal?.aborted) throw cancelled(name);
    attempts += 1;
    try {
      const outcome = await attempt(url, part, state, {
        fetcher,
        expectedSize,
        stallTimeoutMs,
        signal: options.signal,
        progress,
      });
      resumed ||= outcome.resumed;
      restarted ||= outcome.restarted;
      break;
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(name);
      if (!(error instanceof Retryable)) throw error;
      lastProblem = error.message;
      if (attempts >= maxAttempts) {
        throw new ImageError(
          'network-error',
          `Downloading ${url} failed after ${attempts} attempts (${lastProblem}). Check the network connection and try again: the download continues where it stopped.`,
          url,
        );
      }
      const delay = Math.min(MAX_RETRY_DELAY_MS, retryDelayMs * 2 ** (attempts - 1));
      await sleep(delay, undefined, { signal: options.signal }).catch(() => {
        throw cancelled(name);
      });
    }
  }

  const size = (await stat(part)).size;
  if (expectedSize !== null && size !== expectedSize) {
    await rm(part, { force: true });
    throw new ImageError(
      'size-mismatch',
      `${name} downloaded as ${size} bytes, but ${expectedSize} bytes were published. Download it again; if this repeats, the catalog entry is out of date.`,
      url,
    );
  }
  const sha256 = state.hashed === size ? state.hash.digest('hex') : await sha256File(part);
  if (expectedSha256 && sha256 !== expectedSha256) {
    await rm(part, { force: true });
    throw checksumMismatch(`The download ${name}`, url, expectedSha256, sha256);
  }
  const handle = await open(part, 'r+');
  await handle.sync().finally(() => handle.close());
  await rename(part, dest);
  progress.finish();
  if (options.cacheDir) await rememberFileHash(options.cacheDir, await identify(dest), sha256);
  return { path: dest, size, sha256, attempts, resumed, restarted };
}

interface PartState {
  /** sha256 of the first `hashed` bytes of the .part file. */
  hash: Hash;
  hashed: number;
}

interface AttemptContext {
  fetcher: Fetcher;
  expectedSize: number | null;
  stallTimeoutMs: number;
  signal?: AbortSignal;
  progress: PhaseProgress;
}

async function attempt(
  url: string,
  part: string,
  state: PartState,
  context: AttemptContext,
): Promise<{ resumed: boolean; restarted: boolean }> {
  const { expectedSize, progress } = context;
  let offset = await sizeOf(part);
  if (expectedSize !== null && offset > expectedSize) {
    await rm(part, { force: true });
    offset = 0;
  }
  if (expectedSize !== null && offset === expectedSize && offset > 0) {
    await syncHash(part, state, offset);
    return { resumed: true, restarted: false };
  }

  const stall = new AbortController();
  let timer = setTimeout(() => stall.abort(), context.stallTimeoutMs);
  const resetStall = () => {
    clearTimeout(timer);
    timer = setTimeout(() => stall.abort(), context.stallTimeoutMs);
  };
  const signal = context.signal ? AbortSignal.any([context.signal, stall.signal]) : stall.signal;
  try {
    let response: Response;
    try {
      response = await context.fetcher(url, {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        signal,
        redirect: 'follow',
      });
    } catch (error) {
      throw new Retryable(stall.signal.aborted ? 'no answer from the server' : describe(error));
    }

    if (response.status === 416 && offset > 0) {
      await response.body?.cancel();
      const total = parseContentRange(response.headers.get('content-range'))?.total ?? null;
      if (total === offset) {
        await syncHash(part, state, offset);
        return { resumed: true, restarted: false };
      }
      await rm(part, { force: true }); // the .part is not a prefix of this file: start over
      throw new Retryable('the partial download did not match the file on the server');
    }
    if (!response.ok) {
      await response.body?.cancel();
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      if (isRetryableStatus(response.status)) throw new Retryable(`the server answered ${status}`);
      throw new ImageError(
        'http-error',
        `Downloading ${url} failed: the server answered ${status}. ${response.status === 404 ? 'The image is no longer there: update the catalog or check the address.' : 'Check the address and your access to it.'}`,
        url,
      );
    }

    let append = false;
    let restarted = false;
    let total = contentLength(response.headers.get('content-length'));
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (range?.start === offset) {
        append = true;
        total = range.total;
      } else {
        await response.body?.cancel();
        await rm(part, { force: true });
        throw new Retryable('the server sent a different part of the file than was asked for');
      }
    } else if (offset > 0) {
      restarted = true; // 200 to a Range request: the server sends the whole file again
    }
    if (expectedSize !== null && total !== null && total !== expectedSize) {
      await response.body?.cancel();
      throw new ImageError(
        'size-mismatch',
        `The server offers ${url} as ${total} bytes, but ${expectedSize} bytes were published. The catalog entry is out of date or the address is wrong.`,
        url,
      );
    }
    progress.setTotal(total ?? expectedSize);

    if (append) {
      await syncHash(part, state, offset);
    } else {
      state.hash = createHash('sha256');
      state.hashed = 0;
      progress.restart();
    }
    if (append) progress.resumeAt(offset);
    const handle = await open(part, append ? 'a' : 'w');
    let written = append ? offset : 0;
    try {
      if (!response.body) throw new Retryable('the server sent no data');
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        resetStall();
        await handle.write(chunk);
        state.hash.update(chunk);
        state.hashed += chunk.length;
        written += chunk.length;
        progress.read(chunk.length);
        progress.wrote(chunk.length);
        if (expectedSize !== null && written > expectedSize) {
          throw new ImageError(
            'size-mismatch',
            `The server sent more than the published ${expectedSize} bytes for ${url}. The catalog entry is out of date or the address is wrong.`,
            url,
          );
        }
      }
    } catch (error) {
      if (error instanceof ImageError || error instanceof Retryable) throw error;
      throw new Retryable(stall.signal.aborted ? 'the connection stalled' : describe(error));
    } finally {
      await handle.close();
    }
    if (total !== null && written !== total) {
      throw new Retryable(
        `the connection closed after ${formatBytes(written)} of ${formatBytes(total)}`,
      );
    }
    return { resumed: append, restarted };
  } finally {
    clearTimeout(timer);
  }
}

/** Make `state` hold the sha256 of the first `bytes` bytes of the .part file. */
async function syncHash(part: string, state: PartState, bytes: number): Promise<void> {
  if (state.hashed === bytes) return;
  const hash = createHash('sha256');
  const handle = await open(part, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    let position = 0;
    while (position < bytes) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(buffer.length, bytes - position),
        position,
      );
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  state.hash = hash;
  state.hashed = bytes;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : '';
  return detail && detail !== error.message ? `${error.message}: ${detail}` : error.message;
}
