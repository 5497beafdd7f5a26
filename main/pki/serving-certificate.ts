import type { CertificateAndKey, ClusterPki } from './cluster-pki';
import { servingCertificateAuthority } from './cluster-pki';
import { issueLeafCertificate } from './issue-certificate';
import { SERVING_CERT_VALIDITY_DAYS } from './validity';
import { peculiarX509 } from './x509';

export interface ServingCertificateOptions {
  ips: readonly string[];
  dnsNames: readonly string[];
  now?: Date;
}

/**
 * Issue an API-server serving certificate signed by the CA that kubeconfigs trust. The nodes make
 * their own; this one is for tests and the test API server, which must look like the real thing.
 */
export async function issueServingCertificate(
  pki: ClusterPki,
  { ips, dnsNames, now }: ServingCertificateOptions,
): Promise<CertificateAndKey> {
  if (ips.length + dnsNames.length === 0) {
    throw new Error('A serving certificate needs at least one IP address or DNS name');
  }
  return issueLeafCertificate(servingCertificateAuthority(pki), {
    subject: { commonName: 'kube-apiserver' },
    extendedKeyUsages: [peculiarX509().ExtendedKeyUsage.serverAuth],
    validityDays: SERVING_CERT_VALIDITY_DAYS,
    ips,
    dnsNames,
    now: now ?? new Date(),
  });
}
