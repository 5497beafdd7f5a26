import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import {
  downloadImage,
  downloadPath,
  type Fetcher,
  ImageError,
  type ImageProgress,
  prepareImage,
} from '../../../../main/flash/image';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import { compress, makeRawImage, MiB, ready, sha256Of } from './image-fixtures';
import { type LoopbackServer, serveBytes, startLoopbackServer } from './loopback-server';

const body = randomBytes(3 * MiB);
const bodySha = createHash('sha256').update(body).digest('hex');

let dir: string;
let dest: string;
let server: LoopbackServer | null = null;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeflash-download-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  dest = join(mkdtempSync(join(dir, 'd-')), 'downloads', 'image.img.xz');
});
afterEach(async () => {
  await server?.close();
  server = null;
});

/** fetch that refuses anything but the test's own loopback server. */
function loopbackOnly(): Fetcher {
  return (url, init) => {
    if (!url.startsWith(`${server!.origin}/`)) throw new Error(`test tried to reach ${url}`);
    return fetch(url, init);
  };
}

function options(extra: Partial<Parameters<typeof downloadImage>[1]> = {}) {
  return { dest, fetch: loopbackOnly(), retryDelayMs: 1, ...extra };
}

/** Send the headers and about half the body, then cut the connection. */
function cutHalfway(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Length': body.length });
  res.write(body.subarray(0, body.length / 2), () => setTimeout(() => res.socket?.destroy(), 50));
}

async function failure(promise: Promise<unknown>): Promise<ImageError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}

describe('downloadImage', () => {
  it('resumes with a Range request after the connection is cut half-way', async () => {
    server = await startLoopbackServer((req, res, index) =>
      index === 0 ? cutHalfway(res) : serveBytes(req, res, body),
    );
    const events: ImageProgress[] = [];
    const result = await downloadImage(`${server.origin}/image.img.xz`, {
      ...options(),
      expectedSize: body.length,
      expectedSha256: bodySha,
      onProgress: (p) => events.push(p),
    });
    expect(result).toMatchObject({
      path: dest,
      size: body.length,
      sha256: bodySha,
      attempts: 2,
      resumed: true,
      restarted: false,
    });
    expect(readFileSync(dest).equals(body)).toBe(true);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(server.requests[0]!.headers.range).toBeUndefined();
    const range = /^bytes=(\d+)-$/.exec(server.requests[1]!.headers.range ?? '');
    expect(range).not.toBeNull();
    const offset = Number(range![1]);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(body.length);
    expect(events.at(-1)).toMatchObject({
      phase: 'downloading',
      bytesRead: body.length,
      bytesTotal: body.length,
      etaSeconds: 0,
    });
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.bytesRead).toBeGreaterThanOrEqual(events[i - 1]!.bytesRead);
  });

  it('starts over when the server ignores Range', async () => {
    server = await startLoopbackServer((req, res, index) =>
      index === 0 ? cutHalfway(res) : serveBytes(req, res, body, { ignoreRange: true }),
    );
    const result = await downloadImage(
      `${server.origin}/image.img.xz`,
      options({ expectedSha256: bodySha }),
    );
    expect(result).toMatchObject({ sha256: bodySha, attempts: 2, restarted: true, resumed: false });
    expect(server.requests[1]!.headers.range).toMatch(/^bytes=\d+-$/);
    expect(readFileSync(dest).equals(body)).toBe(true);
  });

  it('continues a .part file left by an earlier session', async () => {
    server = await startLoopbackServer((req, res) => serveBytes(req, res, body));
    mkdirSync(join(dest, '..'), { recursive: true });
    writeFileSync(`${dest}.part`, body.subarray(0, MiB));
    const result = await downloadImage(
      `${server.origin}/image.img.xz`,
      options({ expectedSha256: bodySha }),
    );
    expect(result).toMatchObject({ sha256: bodySha, attempts: 1, resumed: true });
    expect(server.requests.map((r) => r.headers.range)).toEqual([`bytes=${MiB}-`]);
  });

  it('retries after a connection that stalls', async () => {
    server = await startLoopbackServer((req, res, index) => {
      if (index === 0) {
        res.writeHead(200, { 'Content-Length': body.length });
        res.write(body.subarray(0, MiB)); // then nothing
      } else serveBytes(req, res, body);
    });
    const result = await downloadImage(
      `${server.origin}/image.img.xz`,
      options({ stallTimeoutMs: 300, expectedSha256: bodySha }),
    );
    expect(result).toMatchObject({ attempts: 2, sha256: bodySha });
    expect(server.requests[1]!.headers.range).toMatch(/^bytes=\d+-$/);
  });

  it('puts downloads in the cache downloads folder under a safe name', () => {
    expect(
      downloadPath(
        '/cache',
        'https://host/a/ubuntu-24.04.3-preinstalled-server-arm64+raspi.img.xz?x=1',
      ),
    ).toBe('/cache/downloads/ubuntu-24.04.3-preinstalled-server-arm64+raspi.img.xz');
    expect(downloadPath('/cache', 'https://host/a/b%20c%2F..img')).toBe(
      '/cache/downloads/b_c_..img',
    );
  });

  it('fails at once on 404 with the status and address', async () => {
    server = await startLoopbackServer((_req, res) => res.writeHead(404, 'Not Found').end());
    const url = `${server.origin}/gone.img.xz`;
    const error = await failure(downloadImage(url, options()));
    expect(error.problem).toBe('http-error');
    expect(error.message).toContain('HTTP 404 Not Found');
    expect(error.message).toContain(url);
    expect(server.requests).toHaveLength(1);
    expect(existsSync(dest)).toBe(false);
  });

  it('gives up after a bounded number of attempts on server errors', async () => {
    server = await startLoopbackServer((_req, res) => res.writeHead(503).end());
    const error = await failure(
      downloadImage(`${server.origin}/busy.img.xz`, options({ maxAttempts: 3 })),
    );
    expect(error.problem).toBe('network-error');
    expect(error.message).toMatch(/failed after 3 attempts \(the server answered HTTP 503/);
    expect(server.requests).toHaveLength(3);
  });

  it('removes the .part file when the checksum does not match, naming both', async () => {
    server = await startLoopbackServer((req, res) => serveBytes(req, res, body));
    const wrong = '0'.repeat(64);
    const error = await failure(
      downloadImage(`${server.origin}/image.img.xz`, options({ expectedSha256: wrong })),
    );
    expect(error.problem).toBe('checksum-mismatch');
    expect(error.message).toContain(wrong);
    expect(error.message).toContain(bodySha);
    expect(existsSync(`${dest}.part`)).toBe(false);
    expect(existsSync(dest)).toBe(false);
  });

  it('refuses a file whose size is not the published one', async () => {
    server = await startLoopbackServer((req, res) => serveBytes(req, res, body));
    const error = await failure(
      downloadImage(`${server.origin}/image.img.xz`, options({ expectedSize: body.length - 1 })),
    );
    expect(error.problem).toBe('size-mismatch');
    expect(error.message).toContain(String(body.length));
    expect(existsSync(dest)).toBe(false);
  });

  it('can be cancelled, keeping the .part file for later', async () => {
    const controller = new AbortController();
    server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': body.length });
      res.write(body.subarray(0, MiB), () => controller.abort());
    });
    const error = await failure(
      downloadImage(`${server.origin}/image.img.xz`, options({ signal: controller.signal })),
    );
    expect(error.problem).toBe('cancelled');
    expect(existsSync(dest)).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it('remembers the sha256 so preparing the download needs no second read', async (ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('sfdisk') && hasCommand('gzip'),
      'sfdisk and gzip to build a test archive',
    );
    const raw = await makeRawImage(dir, 'served.img', 2);
    const archive = readFileSync(compress(raw.path, 'gzip', dir));
    const archiveSha = createHash('sha256').update(archive).digest('hex');
    server = await startLoopbackServer((req, res) => serveBytes(req, res, archive));
    const cacheDir = join(dest, '..', '..');
    const result = await downloadImage(
      `${server.origin}/served.img.gz`,
      options({ cacheDir, expectedSha256: archiveSha }),
    );
    const phases = new Set<string>();
    const prepared = await ready(
      prepareImage(result.path, {
        cacheDir,
        maxCacheBytes: 64 * MiB,
        expectedSha256: archiveSha,
        onProgress: (p) => phases.add(p.phase),
      }),
    );
    expect([...phases]).toEqual(['decompressing', 'verifying']);
    expect(sha256Of(prepared.rawPath)).toBe(raw.sha256);
  });
});
