import type { CertificateAndKey, ClusterPki } from './cluster-pki';
import { clientCertificateAuthority } from './cluster-pki';
import { issueLeafCertificate } from './issue-certificate';
import { ADMIN_CLIENT_CERT_VALIDITY_DAYS } from './validity';
import { peculiarX509 } from './x509';

export const DEFAULT_ADMIN_COMMON_NAME = 'kubeflash-admin';

/**
 * The group every Kubernetes API server maps to cluster-admin without any RBAC object: the
 * kubeconfig must work before the cluster has created anything.
 */
export const ADMIN_GROUP = 'system:masters';

export interface AdminClientCertificateOptions {
  now?: Date;
  commonName?: string;
}

/** Issue the admin client certificate, signed by the CA the API server verifies clients with. */
export async function issueAdminClientCertificate(
  pki: ClusterPki,
  options: AdminClientCertificateOptions = {},
): Promise<CertificateAndKey> {
  return issueLeafCertificate(clientCertificateAuthority(pki), {
    subject: {
      commonName: options.commonName ?? DEFAULT_ADMIN_COMMON_NAME,
      organizations: [ADMIN_GROUP],
    },
    extendedKeyUsages: [peculiarX509().ExtendedKeyUsage.clientAuth],
    validityDays: ADMIN_CLIENT_CERT_VALIDITY_DAYS,
    now: options.now ?? new Date(),
  });
}
