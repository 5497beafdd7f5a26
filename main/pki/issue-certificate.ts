import { isIP } from 'node:net';

import { toPem } from './certificate-authority';
import type { CertificateAndKey } from './cluster-pki';
import { distinguishedName, type SubjectFields } from './distinguished-name';
import { generateKeyPairPem, loadSigningKey } from './keys';
import { randomSerialNumber } from './serial-number';
import { validityWindow } from './validity';
import { nodeCrypto, peculiarX509, type X509 } from './x509';

export interface LeafCertificateRequest {
  subject: SubjectFields;
  extendedKeyUsages: readonly X509.ExtendedKeyUsage[];
  validityDays: number;
  ips?: readonly string[];
  dnsNames?: readonly string[];
  now: Date;
}

/**
 * Issue an end-entity certificate with a fresh ECDSA P-256 key (small, fast, accepted by every
 * Kubernetes component and by kubectl) signed by `ca`.
 */
export async function issueLeafCertificate(
  ca: CertificateAndKey,
  request: LeafCertificateRequest,
): Promise<CertificateAndKey> {
  const x509 = peculiarX509();
  const caCertificate = parseCertificate(ca.certificatePem, 'CA certificate');
  const { keys: caKeys, signingAlgorithm } = await loadSigningKey(ca.privateKeyPem);
  const caSpki = await nodeCrypto.subtle.exportKey('spki', caKeys.publicKey);
  if (!sameBytes(caSpki, caCertificate.publicKey.rawData)) {
    throw new Error('The CA private key does not belong to the CA certificate');
  }
  const { privateKeyPem } = await generateKeyPairPem('ecdsa-p256');
  const { keys } = await loadSigningKey(privateKeyPem);

  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    // ECDSA keys sign during the handshake; key encipherment only applies to RSA key exchange.
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([...request.extendedKeyUsages], false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, nodeCrypto),
    await authorityKeyIdentifier(caCertificate),
  ];
  const sans = subjectAltNames(request.ips ?? [], request.dnsNames ?? []);
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans, false));

  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: distinguishedName(request.subject),
      issuer: caCertificate.subjectName,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm,
      ...validityWindow(request.now, request.validityDays, caCertificate),
      extensions,
    },
    nodeCrypto,
  );
  return { certificatePem: toPem(certificate), privateKeyPem };
}

/** AKI carries the issuer's own SKI so that chain builders find the issuer by key id. */
async function authorityKeyIdentifier(
  ca: X509.X509Certificate,
): Promise<X509.AuthorityKeyIdentifierExtension> {
  const x509 = peculiarX509();
  const ski = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId, false);
  return x509.AuthorityKeyIdentifierExtension.create(ca.publicKey, false, nodeCrypto);
}

export function parseCertificate(pem: string, what = 'certificate'): X509.X509Certificate {
  try {
    return new (peculiarX509().X509Certificate)(pem);
  } catch (error) {
    throw new Error(`Not a readable ${what}: ${(error as Error).message}`);
  }
}

function subjectAltNames(
  ips: readonly string[],
  dnsNames: readonly string[],
): X509.JsonGeneralNames {
  const names: X509.JsonGeneralNames = [];
  for (const ip of ips) {
    if (isIP(ip) === 0) throw new Error(`Not an IP address: "${ip}"`);
    names.push({ type: 'ip', value: ip });
  }
  for (const dns of dnsNames) {
    if (!isDnsName(dns)) throw new Error(`Not a DNS name: "${dns}"`);
    names.push({ type: 'dns', value: dns });
  }
  return names;
}

function isDnsName(name: string): boolean {
  // RFC 1123 host names; a leading "*." wildcard label is allowed as in serving certificates.
  const label = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
  return name.length <= 253 && new RegExp(`^(?:\\*\\.)?${label}(?:\\.${label})*$`, 'i').test(name);
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}
