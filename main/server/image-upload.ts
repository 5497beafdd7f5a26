import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, statfs } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { type UploadedImage, type UploadLimits, uploadTooLarge } from '../../common/flash';
import { pruneUploads } from '../flash';
import { sanitiseUploadName } from './upload-name';

export interface UploadOptions {
  /** Where uploads go: one new folder per upload. */
  uploadsDir: string;
  /** The largest file accepted, and the most all uploads together may keep. */
  maxBytes: number;
  headers: Record<string, string>;
}

class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The upload limit, for the page to check a file against before it sends it: a browser that is
 * still sending when the server refuses and closes often reports only a network error.
 */
export function answerUploadLimits(res: ServerResponse, options: UploadOptions): void {
  const limits: UploadLimits = { maxBytes: options.maxBytes };
  answer(res, options, 200, limits);
}

/**
 * Receive an image file's bytes (web mode: a dropped file has no path the server could read).
 * The caller has checked Host, Origin and the session. The body streams to `<name>.part` in a
 * fresh folder and is renamed only when complete; too large, cut short or failed, the folder is
 * removed. Answers 201 with where the file is, for inspectImage.
 */
export async function receiveImageUpload(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: UploadOptions,
): Promise<void> {
  const name = sanitiseUploadName(url.searchParams.get('name'));
  if (name === null) {
    return answer(res, options, 400, {
      error: "Give the image file's name as ?name= (letters, digits and ._+- are kept)",
    });
  }
  const declared = declaredLength(req);
  if (declared === 'invalid') {
    return answer(res, options, 400, { error: 'The Content-Length header is not a number' });
  }
  if (declared !== null && declared > options.maxBytes) {
    return answer(res, options, 413, { error: uploadTooLarge(declared, options.maxBytes) });
  }
  const folder = join(options.uploadsDir, randomBytes(8).toString('hex'));
  const part = join(folder, `${name}.part`);
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    if (declared !== null) await checkFreeSpace(folder, declared);
    let received = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (received > options.maxBytes) {
          // Answer before the pipeline tears the request (and its socket) down.
          const refused = new UploadRefused(413, uploadTooLarge(received, options.maxBytes));
          answer(res, options, refused.status, { error: refused.message });
          done(refused);
        } else done(null, chunk);
      },
    });
    await pipeline(req, counter, createWriteStream(part, { mode: 0o600 }));
    if (declared !== null && received !== declared) {
      throw new UploadRefused(400, `The upload ended after ${received} of ${declared} bytes`);
    }
    const path = join(folder, name);
    await rename(part, path);
    await pruneUploads(options.uploadsDir, options.maxBytes, folder).catch(() => {});
    const uploaded: UploadedImage = { path, name, size: received };
    return answer(res, options, 201, uploaded);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    if (error instanceof UploadRefused) {
      return answer(res, options, error.status, { error: error.message });
    }
    if (req.errored || req.destroyed) return void res.destroy(); // the browser went away
    throw error;
  }
}

function declaredLength(req: IncomingMessage): number | null | 'invalid' {
  const header = req.headers['content-length'];
  if (header === undefined) return null;
  return /^\d+$/.test(header) ? Number(header) : 'invalid';
}

async function checkFreeSpace(folder: string, bytes: number): Promise<void> {
  const space = await statfs(folder);
  const free = space.bavail * space.bsize;
  if (free < bytes) {
    throw new UploadRefused(
      507,
      `Not enough space for the upload: ${bytes} bytes needed, ${free} free in ${folder}. Clear the image cache in Settings or free some space.`,
    );
  }
}

/** A JSON answer; the connection closes after a refusal, so an unread body is not awaited. */
function answer(res: ServerResponse, options: UploadOptions, status: number, body: unknown) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...options.headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...(status >= 400 ? { Connection: 'close' } : {}),
  });
  res.end(text);
}
