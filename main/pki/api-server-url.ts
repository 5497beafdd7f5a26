import { isIP } from 'node:net';

export const KUBE_API_SERVER_PORT = 6443;

/**
 * `https://host:port` for an API server. IPv6 literals get brackets (and a zone's "%" is escaped),
 * so the result parses as a URL in kubectl, client-go and Node alike.
 */
export function apiServerUrl(host: string, port = KUBE_API_SERVER_PORT): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Not a TCP port: ${port}`);
  }
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIP(bare) === 6) return `https://[${bare.replace('%', '%25')}]:${port}`;
  if (isIP(bare) === 4 || isHostName(bare)) return `https://${bare}:${port}`;
  throw new Error(`Not an IP address or host name: "${host}"`);
}

function isHostName(name: string): boolean {
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  return name.length <= 253 && new RegExp(`^${label}(?:\\.${label})*\\.?$`, 'i').test(name);
}
