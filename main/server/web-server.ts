import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { type RawData, WebSocket, WebSocketServer } from 'ws';

import { webSocketPath } from '../../common/contract';
import { imageUploadPath } from '../../common/flash';
import type { ResultMessage } from '../../common/messages';
import type { Backend } from '../backend';
import { imageUploadsDir } from '../flash';
import { headerContentSecurityPolicy } from '../security/content-security-policy';
import { newToken, WebAuth } from './auth';
import { answerUploadLimits, receiveImageUpload } from './image-upload';
import { serveStatic } from './static-files';

export interface WebServerOptions {
  backend: Backend;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** The largest image file a browser may upload (default 32 GiB). */
  maxUploadBytes?: number;
}

export interface RunningWebServer {
  port: number;
  token: string;
  /** The URL to open once: it carries the token, exchanged for a cookie on first load. */
  url: string;
  close(): Promise<void>;
}

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': headerContentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const maxMessageBytes = 1024 * 1024;
const defaultMaxUploadBytes = 32 * 1024 ** 3;

/** The loopback web server: the same renderer and the same contract handlers as the desktop app. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const token = options.token ?? newToken();
  const http = createServer();
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const auth = new WebAuth(token, port);

  http.on('request', (req, res) => {
    handleRequest(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, securityHeaders);
      res.end();
    });
  });
  http.on('upgrade', (req, socket, head) => {
    const verdict = auth.check(req);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!verdict.ok || path !== webSocketPath) {
      const status = verdict.ok ? 404 : verdict.status;
      socket.end(
        `HTTP/1.1 ${status} ${verdict.ok ? 'Not Found' : verdict.reason}\r\nConnection: close\r\n\r\n`,
      );
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws));
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      // Exchange the one-time URL token for a cookie and drop it from the address bar.
      const addressing = auth.checkAddressing(req);
      if (!addressing.ok) return refuse(res, addressing.status, addressing.reason);
      if (!auth.matches(offered)) return refuse(res, 401, 'Wrong token');
      url.searchParams.delete('token');
      res.writeHead(303, {
        ...securityHeaders,
        'Set-Cookie': auth.sessionCookie(),
        Location: url.pathname + url.search,
      });
      return res.end();
    }
    const verdict = auth.check(req);
    if (!verdict.ok) return refuse(res, verdict.status, verdict.reason, req);
    if (url.pathname === imageUploadPath) {
      const upload = {
        uploadsDir: imageUploadsDir(options.backend.imageCacheDir),
        maxBytes: options.maxUploadBytes ?? defaultMaxUploadBytes,
        headers: securityHeaders,
      };
      if (req.method === 'GET') return answerUploadLimits(res, upload);
      if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed: POST the file', req);
      return receiveImageUpload(req, res, url, upload);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'Method not allowed');
    await serveStatic(options.rendererDir, url.pathname, res, securityHeaders);
  }

  function serveSocket(ws: WebSocket) {
    const unsubscribe = options.backend.events.subscribe((message) => send(ws, message));
    ws.on('message', (data: RawData) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        const reply: ResultMessage = {
          type: 'result',
          id: -1,
          ok: false,
          error: { code: 'invalid-request', message: 'Message is not JSON' },
        };
        return send(ws, reply);
      }
      void options.backend.dispatch(parsed).then((reply) => send(ws, reply));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  }

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      sockets.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function send(ws: WebSocket, message: unknown) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
}

/** A refusal; with a request body left unread (an upload), the connection closes after it. */
function refuse(res: ServerResponse, status: number, reason: string, req?: IncomingMessage) {
  const unreadBody = req !== undefined && req.method !== 'GET' && req.method !== 'HEAD';
  res
    .writeHead(status, {
      ...securityHeaders,
      'Content-Type': 'text/plain; charset=utf-8',
      ...(unreadBody ? { Connection: 'close' } : {}),
    })
    .end(`${reason}\n`);
}
