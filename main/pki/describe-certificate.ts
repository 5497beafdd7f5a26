import { X509Certificate as NodeX509Certificate } from 'node:crypto';

import { parseCertificate } from './issue-certificate';
import { peculiarX509 } from './x509';

/** A certificate as the UI shows it; plain strings so it crosses the contract unchanged. */
export interface CertificateDescription {
  subject: string;
  issuer: string;
  /** ISO 8601. */
  notBefore: string;
  /** ISO 8601. */
  notAfter: string;
  isCa: boolean;
  /** "DNS:name" / "IP:address" entries of the subjectAltName extension. */
  sans: string[];
}

export function describeCertificate(pem: string): CertificateDescription {
  const x509 = peculiarX509();
  const certificate = parseCertificate(pem);
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    isCa: certificate.getExtension(x509.BasicConstraintsExtension)?.ca ?? false,
    sans: san ? san.names.items.map((name) => `${sanLabel(name.type)}:${name.value}`) : [],
  };
}

function sanLabel(type: string): string {
  return type === 'ip' ? 'IP' : type === 'dns' ? 'DNS' : type.toUpperCase();
}

/**
 * A certificate's validity window (ISO 8601), read with Node's own parser: unlike
 * describeCertificate it does not load @peculiar/x509 (see x509.ts), so unlocking a cluster,
 * which lists its certificates' dates, stays cheap for commands that never make certificates.
 */
export function certificateValidity(pem: string): { notBefore: string; notAfter: string } {
  let certificate: NodeX509Certificate;
  try {
    certificate = new NodeX509Certificate(pem);
  } catch (error) {
    throw new Error(`Not a readable certificate: ${(error as Error).message}`);
  }
  return {
    notBefore: opensslTime(certificate.validFrom),
    notAfter: opensslTime(certificate.validTo),
  };
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's "Nov  2 10:00:05 2026 GMT" (what Node 20 gives) as ISO 8601. */
function opensslTime(text: string): string {
  const match = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/.exec(text);
  const month = match ? months.indexOf(match[1]!) : -1;
  if (!match || month < 0) throw new Error(`Unexpected certificate time from OpenSSL: "${text}"`);
  const [, , day, hours, minutes, seconds, year] = match.map(Number);
  return new Date(Date.UTC(year!, month, day!, hours!, minutes!, seconds!)).toISOString();
}
