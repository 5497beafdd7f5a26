import { ApiException } from '@kubernetes/client-node';

export type ApiFailure =
  | { kind: 'unauthorized'; message: string }
  | { kind: 'gone'; message: string }
  | { kind: 'unreachable'; message: string };

/** TLS alerts the server sends when it does not accept our client certificate. */
const CLIENT_CERTIFICATE_REFUSED = [
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
  'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED',
];

/** Our side refused the server: its certificate is not one the kubeconfig's CA signed for it. */
const SERVER_CERTIFICATE_REFUSED = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];

/**
 * What a failed request or watch means for the cluster view: refused credentials, a history
 * too old to resume (410), or an API that cannot be reached (yet) — with a message that says
 * what to do. `server` is the kubeconfig's server URL, for the message.
 */
export function classifyApiError(error: unknown, server: string): ApiFailure {
  const status = statusCodeOf(error);
  if (status === 401 || status === 403) {
    return {
      kind: 'unauthorized',
      message: `The API server at ${server} refused the kubeconfig's credentials (HTTP ${status}): use the cluster's own kubeconfig (kubeflash kubeconfig), or fetch it from the init node`,
    };
  }
  if (status === 410) {
    return { kind: 'gone', message: 'The watch history expired (410 Gone): listing again' };
  }
  if (status !== undefined) {
    return {
      kind: 'unreachable',
      message: `The API server at ${server} answered HTTP ${status}; retrying`,
    };
  }
  const codes = errorCodes(error);
  if (codes.some((code) => CLIENT_CERTIFICATE_REFUSED.includes(code))) {
    return {
      kind: 'unauthorized',
      message: `The API server at ${server} refused the kubeconfig's client certificate (${codes.join(', ')}): is it this cluster's kubeconfig?`,
    };
  }
  if (codes.some((code) => SERVER_CERTIFICATE_REFUSED.includes(code))) {
    return {
      kind: 'unreachable',
      message: `The server at ${server} presented a certificate the cluster CA did not sign for that address (${codes.join(', ')}): another machine may hold the endpoint's address`,
    };
  }
  const reason = codes[0] ?? (error instanceof Error ? error.message : String(error));
  return {
    kind: 'unreachable',
    message: `The API server at ${server} cannot be reached (${reason}); retrying`,
  };
}

function statusCodeOf(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Error codes along the cause chain (node-fetch wraps the socket's error). */
function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, type, name } = current as { code?: unknown; type?: unknown; name?: unknown };
    if (typeof code === 'string') codes.push(code);
    else if (type === 'request-timeout') codes.push('timed out');
    else if (name === 'AbortError' || name === 'TimeoutError') codes.push('timed out');
    current = (current as { cause?: unknown }).cause;
  }
  return [...new Set(codes)];
}
