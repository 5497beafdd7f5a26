import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const sessionCookieName = 'kubeflash_session';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export type AuthVerdict = { ok: true } | { ok: false; status: 401 | 403 | 421; reason: string };

/**
 * Who may talk to the loopback server: requests addressed to this server by name (Host, against
 * DNS rebinding), from its own pages (Origin, when a browser sends one), carrying the token as the
 * session cookie or a bearer header.
 */
export class WebAuth {
  readonly #allowedHosts: Set<string>;
  readonly #allowedOrigins: Set<string>;

  constructor(
    readonly token: string,
    port: number,
  ) {
    this.#allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.#allowedOrigins = new Set([...this.#allowedHosts].map((h) => `http://${h}`));
  }

  check(req: IncomingMessage): AuthVerdict {
    const host = req.headers.host?.toLowerCase();
    if (!host || !this.#allowedHosts.has(host)) {
      return { ok: false, status: 421, reason: 'Unknown Host header' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#allowedOrigins.has(origin.toLowerCase())) {
      return { ok: false, status: 403, reason: 'Cross-origin request refused' };
    }
    if (!this.matches(presentedToken(req))) {
      return {
        ok: false,
        status: 401,
        reason: 'Missing or wrong token: open the URL that `kubeflash serve` printed',
      };
    }
    return { ok: true };
  }

  /** Host and Origin only: used before the `?token=` exchange. */
  checkAddressing(req: IncomingMessage): AuthVerdict {
    const verdict = this.check(req);
    return !verdict.ok && verdict.status === 401 ? { ok: true } : verdict;
  }

  matches(candidate: string | null): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  sessionCookie(): string {
    return `${sessionCookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function presentedToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  return readCookie(req.headers.cookie, sessionCookieName);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}
