import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { ResultMessage } from '../../../common/messages';
import type { Backend } from '../../../main/backend';
import type { RunningWebServer } from '../../../main/server/web-server';
import { startWebServer } from '../../../main/server/web-server';
import { createWebTestBackend, webAppInfo } from '../../support/web-backend';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let workDir: string;
let rendererDir: string;
let backend: Backend;
let server: RunningWebServer;
let cookie: string;
const indexHtml = `<!doctype html><title>Kubeflash test ${Math.random()}</title>`;
const secret = `secret-${Math.random()}`;
const sockets: WebSocket[] = [];

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: server.port, path, method, headers, timeout: 5000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer for ${path}`)));
    req.on('error', reject);
    req.end();
  });
}

function authed(extra: Record<string, string> = {}): Record<string, string> {
  return { Cookie: cookie, ...extra };
}

function openSocket(options: WebSocket.ClientOptions = {}, path = '/api/ws'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`, options);
    sockets.push(ws);
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      ws.terminate();
      reject(new Error(`refused with ${res.statusCode}`));
    });
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve(JSON.parse(data.toString()));
    });
  });
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kubeflash-web-'));
  rendererDir = join(workDir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), indexHtml);
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  await writeFile(join(workDir, 'secret.txt'), secret); // beside the bundle: must stay out of reach
  backend = await createWebTestBackend();
  server = await startWebServer({ backend, rendererDir, port: 0 });
  const exchange = await get(`/?token=${encodeURIComponent(server.token)}`);
  const setCookie = [exchange.headers['set-cookie'] ?? []].flat()[0] ?? '';
  cookie = setCookie.split(';')[0]!;
});

afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

afterAll(async () => {
  await server?.close();
  backend?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('web server addressing', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('does not answer on other local addresses', async () => {
    const { networkInterfaces } = await import('node:os');
    const other = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && a.address !== '127.0.0.1');
    const targets = ['::1', ...(other ? [other.address] : [])];
    for (const host of targets) {
      const failed = await new Promise<boolean>((resolve) => {
        const req = httpRequest({ host, port: server.port, path: '/', timeout: 2000 }, (res) => {
          res.resume();
          resolve(false);
        });
        req.on('error', () => resolve(true));
        req.on('timeout', () => {
          req.destroy();
          resolve(true);
        });
        req.end();
      });
      expect(failed, host).toBe(true);
    }
  });
});

describe('web server HTTP', () => {
  it('refuses requests without a token', async () => {
    const reply = await get('/');
    expect(reply.status).toBe(401);
    expect(reply.body).not.toContain(indexHtml);
  });

  it('refuses a wrong token in the URL', async () => {
    const reply = await get('/?token=WRONG');
    expect(reply.status).toBe(401);
    expect(reply.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a wrong session cookie and a wrong bearer token', async () => {
    expect((await get('/', { Cookie: 'kubeflash_session=WRONG' })).status).toBe(401);
    expect((await get('/', { Authorization: 'Bearer WRONG' })).status).toBe(401);
  });

  it('exchanges the right token for a strict HttpOnly cookie and drops it from the address', async () => {
    const reply = await get(`/?token=${encodeURIComponent(server.token)}&section=drives`);
    expect(reply.status).toBe(303);
    const setCookie = [reply.headers['set-cookie'] ?? []].flat().join('\n');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain(server.token);
    const location = String(reply.headers.location);
    expect(location).not.toContain(server.token);
    expect(location).not.toContain('token=');
    expect(location).toBe('/?section=drives');
  });

  it('serves the app with the cookie, with security headers', async () => {
    expect(cookie).toMatch(/^kubeflash_session=/);
    const reply = await get('/', authed());
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(indexHtml);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts the token as a bearer header', async () => {
    const reply = await get('/', { Authorization: `Bearer ${server.token}` });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(indexHtml);
  });

  it('serves bundle files with their type and falls back to the app for unknown paths', async () => {
    const script = await get('/assets/app.js', authed());
    expect(script.status).toBe(200);
    expect(script.body).toBe('console.log("app");\n');
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    const section = await get('/clusters/new', authed());
    expect(section.status).toBe(200);
    expect(section.body).toBe(indexHtml);
  });

  it('refuses a foreign Host header (DNS rebinding) even with the cookie', async () => {
    const reply = await get('/', authed({ Host: `evil.example:${server.port}` }));
    expect(reply.status).toBe(421);
    expect(reply.body).not.toContain(indexHtml);
    const exchange = await get(`/?token=${server.token}`, { Host: `evil.example:${server.port}` });
    expect(exchange.status).toBe(421);
    expect(exchange.headers['set-cookie']).toBeUndefined();
  });

  it('accepts localhost as Host', async () => {
    const reply = await get('/', authed({ Host: `localhost:${server.port}` }));
    expect(reply.status).toBe(200);
  });

  it('refuses a foreign Origin even with the cookie', async () => {
    const reply = await get('/', authed({ Origin: 'http://evil.example' }));
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain(indexHtml);
    const sameOrigin = await get('/', authed({ Origin: `http://127.0.0.1:${server.port}` }));
    expect(sameOrigin.status).toBe(200);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await get('/', authed(), 'POST')).status).toBe(405);
    expect((await get('/', authed(), 'HEAD')).status).toBe(200);
  });

  it.each([
    '/../../etc/passwd',
    '/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/%2e%2e%5csecret.txt',
  ])('does not serve files outside the bundle (%s)', async (path) => {
    const reply = await get(path, authed());
    expect(reply.body).not.toMatch(/root:.*:0:0:/);
    expect(reply.body).not.toContain(secret);
    expect([200, 400, 404]).toContain(reply.status);
  });

  it('answers a malformed percent-encoding with an error instead of hanging', async () => {
    const reply = await get('/%E0%A4%A', authed());
    expect(reply.status).toBeGreaterThanOrEqual(400);
    // and keeps serving afterwards
    expect((await get('/', authed())).status).toBe(200);
  });
});

describe('web server WebSocket', () => {
  it('refuses a socket without the cookie', async () => {
    await expect(openSocket()).rejects.toThrow(/401/);
  });

  it('refuses a socket with a foreign Origin', async () => {
    await expect(
      openSocket({ headers: { Cookie: cookie }, origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/);
  });

  it('refuses a socket with a foreign Host', async () => {
    await expect(
      openSocket({ headers: { Cookie: cookie, Host: `evil.example:${server.port}` } }),
    ).rejects.toThrow(/421/);
  });

  it('refuses a socket on another path', async () => {
    await expect(openSocket({ headers: { Cookie: cookie } }, '/api/other')).rejects.toThrow(/404/);
  });

  it('answers contract calls over the socket', async () => {
    const ws = await openSocket({ headers: { Cookie: cookie } });
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'appInfo', params: {} }));
    const message = await reply;
    expect(ResultMessage.safeParse(message).success).toBe(true);
    expect(message).toEqual({
      type: 'result',
      id: 1,
      ok: true,
      value: webAppInfo,
    });
  });

  it('accepts a socket from its own origin', async () => {
    const ws = await openSocket({
      headers: { Cookie: cookie },
      origin: `http://127.0.0.1:${server.port}`,
    });
    const reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'getSettings', params: {} }));
    expect(await reply).toEqual({
      type: 'result',
      id: 2,
      ok: true,
      value: { includeLoopDevices: false },
    });
  });

  it('answers a non-JSON message with invalid-request', async () => {
    const ws = await openSocket({ headers: { Cookie: cookie } });
    const reply = nextMessage(ws);
    ws.send('this is not json');
    const message = await reply;
    expect(message).toMatchObject({
      type: 'result',
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('validates calls over the socket', async () => {
    const ws = await openSocket({ headers: { Cookie: cookie } });
    let reply = nextMessage(ws);
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'nope', params: {} }));
    expect(await reply).toMatchObject({ id: 3, ok: false, error: { code: 'unknown-method' } });
    reply = nextMessage(ws);
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 4,
        method: 'openClusterFile',
        params: { path: 'x.yaml' },
      }),
    );
    expect(await reply).toMatchObject({ id: 4, ok: false, error: { code: 'invalid-request' } });
    reply = nextMessage(ws);
    ws.send(
      JSON.stringify({
        type: 'call',
        id: 5,
        method: 'pickClusterFile',
        params: { purpose: 'open' },
      }),
    );
    expect(await reply).toMatchObject({ id: 5, ok: false, error: { code: 'unavailable' } });
  });

  it('reads a cluster file through the socket', async () => {
    const file = join(workDir, 'cluster.yaml');
    await writeFile(file, 'kind: Cluster\nnodes: []\n');
    const ws = await openSocket({ headers: { Cookie: cookie } });
    const reply = nextMessage(ws);
    ws.send(
      JSON.stringify({ type: 'call', id: 6, method: 'openClusterFile', params: { path: file } }),
    );
    expect(await reply).toEqual({
      type: 'result',
      id: 6,
      ok: true,
      value: { path: file, document: { kind: 'Cluster', nodes: [] } },
    });
  });

  it('pushes backend events to connected sockets', async () => {
    const ws = await openSocket({ headers: { Cookie: cookie } });
    const pushed = nextMessage(ws);
    backend.events.emit('driveDetached', { device: '/dev/kubeflash-test' });
    expect(await pushed).toEqual({
      type: 'event',
      event: 'driveDetached',
      payload: { device: '/dev/kubeflash-test' },
    });
  });
});
