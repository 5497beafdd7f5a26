import { parseCertificate } from './issue-certificate';
import { x509 } from './x509';

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
