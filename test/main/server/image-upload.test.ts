import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { type ClientRequest, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { imageUploadPath, UploadedImage, UploadLimits } from '../../../common/flash';
import type { Backend } from '../../../main/backend';
import { startWebServer } from '../../../main/server';
import type { RunningWebServer } from '../../../main/server/web-server';
import { createWebTestBackend } from '../../support/web-backend';

interface Reply {
  status: number;
  body: string;
}

const maxUploadBytes = 256 * 1024;
let workDir: string;
let cacheDir: string;
let uploadsDir: string;
let backend: Backend;
let server: RunningWebServer;
let origin: string;
let cookie: string;

/** A request whose body the test writes itself (or not), answered as status and text. */
function open(
  path: string,
  headers: Record<string, string | number>,
  method = 'POST',
): { req: ClientRequest; reply: Promise<Reply> } {
  let req!: ClientRequest;
  const reply = new Promise<Reply>((resolve, reject) => {
    req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method, headers, timeout: 10_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer for ${path}`)));
    req.on('error', reject);
  });
  return { req, reply };
}

function upload(
  name: string,
  body: Buffer,
  headers: Record<string, string | number> = { Cookie: cookie, Origin: origin },
): Promise<Reply> {
  const { req, reply } = open(`${imageUploadPath}?name=${encodeURIComponent(name)}`, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
    ...headers,
  });
  // The server may refuse before reading the body and close: a write error is expected then.
  req.on('error', () => {});
  req.end(body);
  return reply;
}

/** Every file left under the uploads folder (partial or not). */
async function filesLeft(): Promise<string[]> {
  const entries = await readdir(uploadsDir, { recursive: true }).catch(() => [] as string[]);
  const files: string[] = [];
  for (const entry of entries) {
    if ((await stat(join(uploadsDir, entry))).isFile()) files.push(entry);
  }
  return files;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kubeflash-upload-'));
  cacheDir = join(workDir, 'cache');
  uploadsDir = join(cacheDir, 'uploads');
  const rendererDir = join(workDir, 'renderer');
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
  backend = await createWebTestBackend({ cacheDir });
  server = await startWebServer({ backend, rendererDir, port: 0, maxUploadBytes });
  origin = `http://127.0.0.1:${server.port}`;
  const exchange = open(`/?token=${server.token}`, {}, 'GET');
  exchange.req.end();
  await exchange.reply;
  cookie = `kubeflash_session=${server.token}`;
});

afterAll(async () => {
  await server?.close();
  backend?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('image upload endpoint', () => {
  it('stores a good upload with its bytes, under a safe name, and says where', async () => {
    const bytes = randomBytes(100_000);
    const reply = await upload('../../etc/my image (1).img.xz', bytes);
    expect(reply.status, reply.body).toBe(201);
    const uploaded = UploadedImage.parse(JSON.parse(reply.body));
    expect(uploaded.name).toBe('my_image__1_.img.xz');
    expect(uploaded.size).toBe(bytes.length);
    expect(uploaded.path.startsWith(uploadsDir + '/')).toBe(true);
    expect((await readFile(uploaded.path)).equals(bytes)).toBe(true);
    expect((await filesLeft()).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('lets the uploaded file be checked like a local one: a bad file gets the check’s error', async () => {
    const reply = await upload('notes.img', Buffer.from('just some text, not a disk\n'));
    expect(reply.status).toBe(201);
    const { path } = UploadedImage.parse(JSON.parse(reply.body));
    const result = await backend.dispatch({
      type: 'call',
      id: 1,
      method: 'inspectImage',
      params: { image: path },
    });
    expect(result.ok).toBe(false);
    if (result.ok) throw new Error('unreachable');
    expect(result.error.code).toBe('invalid-file');
    expect(result.error.message).toContain('notes.img');
  });

  it('refuses an upload without the session cookie (401), keeping nothing', async () => {
    const before = await filesLeft();
    const reply = await upload('card.img', randomBytes(1000), { Origin: origin });
    expect(reply.status).toBe(401);
    expect(await filesLeft()).toEqual(before);
  });

  it('refuses an upload from another origin (403), keeping nothing', async () => {
    const before = await filesLeft();
    const reply = await upload('card.img', randomBytes(1000), {
      Cookie: cookie,
      Origin: 'http://evil.example',
    });
    expect(reply.status).toBe(403);
    expect(await filesLeft()).toEqual(before);
  });

  it('refuses a file larger than the limit (413) by its declared length, keeping nothing', async () => {
    const before = await filesLeft();
    const reply = await upload('big.img', randomBytes(maxUploadBytes + 1));
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error).toContain('larger than the upload limit');
    expect(await filesLeft()).toEqual(before);
  });

  it('refuses a file that grows past the limit without a declared length (413), keeping nothing', async () => {
    const before = await filesLeft();
    const { req, reply } = open(`${imageUploadPath}?name=stream.img`, {
      Cookie: cookie,
      Origin: origin,
      'Transfer-Encoding': 'chunked',
    });
    req.on('error', () => {});
    for (let sent = 0; sent <= maxUploadBytes; sent += 64 * 1024) req.write(randomBytes(64 * 1024));
    req.end();
    expect((await reply).status).toBe(413);
    await expect.poll(() => filesLeft()).toEqual(before);
  });

  it('removes the partial file of an upload that is cut off', async () => {
    const before = await filesLeft();
    const { req, reply } = open(`${imageUploadPath}?name=cut.img`, {
      Cookie: cookie,
      Origin: origin,
      'Content-Length': 200_000,
    });
    reply.catch(() => {}); // the request is destroyed below: no answer comes
    req.on('error', () => {});
    req.write(randomBytes(50_000));
    // Wait until the server has written part of it, then go away mid-upload.
    await expect
      .poll(async () => (await filesLeft()).some((f) => f.endsWith('cut.img.part')))
      .toBe(true);
    req.destroy();
    await expect.poll(() => filesLeft()).toEqual(before);
  });

  it('tells the page its limit (GET), so a file too large is refused before it is sent', async () => {
    const get = open(imageUploadPath, { Cookie: cookie }, 'GET');
    get.req.end();
    const reply = await get.reply;
    expect(reply.status).toBe(200);
    expect(UploadLimits.parse(JSON.parse(reply.body))).toEqual({ maxBytes: maxUploadBytes });

    const stranger = open(imageUploadPath, {}, 'GET');
    stranger.req.end();
    expect((await stranger.reply).status).toBe(401);
  });

  it('asks for a name, and for POST', async () => {
    const noName = open(imageUploadPath, {
      Cookie: cookie,
      Origin: origin,
      'Content-Length': 3,
    });
    noName.req.end('abc');
    const refused = await noName.reply;
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('?name=');

    const put = open(`${imageUploadPath}?name=a.img`, { Cookie: cookie, Origin: origin }, 'PUT');
    put.req.end();
    expect((await put.reply).status).toBe(405);
  });
});
