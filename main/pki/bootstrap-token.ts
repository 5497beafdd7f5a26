import { createHash } from 'node:crypto';

import { parseCertificate } from './issue-certificate';
import { randomString } from './random-string';

/** Kubernetes bootstrap token: "<6 char id>.<16 char secret>", lower-case letters and digits. */
export const BOOTSTRAP_TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
export const BOOTSTRAP_TOKEN_ID_PATTERN = /^[a-z0-9]{6}$/;
export const BOOTSTRAP_TOKEN_SECRET_PATTERN = /^[a-z0-9]{16}$/;

export interface BootstrapTokenParts {
  id: string;
  secret: string;
}

/** A fresh bootstrap token (kubeadm's join token, also k0s's join credential). */
export function generateBootstrapToken(): string {
  return `${randomString(6)}.${randomString(16)}`;
}

export function parseBootstrapToken(token: string): BootstrapTokenParts {
  const match = BOOTSTRAP_TOKEN_PATTERN.exec(token);
  if (!match) throw new Error('Not a bootstrap token (expected [a-z0-9]{6}.[a-z0-9]{16})');
  return { id: match[1]!, secret: match[2]! };
}

/**
 * kubeadm's --discovery-token-ca-cert-hash: "sha256:" + hex SHA-256 of the CA certificate's
 * DER SubjectPublicKeyInfo, taken as stored in the certificate (kubeadm pubkeypin hashes
 * RawSubjectPublicKeyInfo), so joins can pin the CA before any node exists.
 */
export function discoveryTokenCaCertHash(caPem: string): string {
  const spki = parseCertificate(caPem, 'CA certificate').publicKey.rawData;
  return `sha256:${createHash('sha256').update(Buffer.from(spki)).digest('hex')}`;
}
