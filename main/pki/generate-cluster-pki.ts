import { createCertificateAuthority } from './certificate-authority';
import type {
  CertificateAndKey,
  ClusterPki,
  Distribution,
  K0sClusterPki,
  K3sClusterPki,
  KubeadmClusterPki,
} from './cluster-pki';
import { distributionSchema } from './cluster-pki';
import { generateKeyPairPem, type KeyAlgorithm } from './keys';

export interface GenerateClusterPkiOptions {
  distribution: Distribution;
  clusterName: string;
  /** The reference time for every validity window; defaults to the current time. */
  now?: Date;
}

/**
 * Create the CAs and service-account key a distribution needs before its first start, so the app
 * holds a working admin kubeconfig before any node has booted.
 *
 * CA key types follow what each distribution generates for itself, to stay on its tested path:
 * k3s makes ECDSA P-256 CAs (k3s contrib/util/generate-custom-ca-certs.sh), kubeadm RSA 2048 by
 * default, k0s RSA 2048 (k0s pkg/certificate/manager.go EnsureCA). Service-account keys are RSA
 * 2048 everywhere, as all three generate them.
 */
export async function generateClusterPki(options: GenerateClusterPkiOptions): Promise<ClusterPki> {
  const distribution = distributionSchema.parse(options.distribution);
  const clusterName = options.clusterName;
  if (clusterName.trim() === '' || clusterName.length > 64) {
    // 64 is X.509's limit for the Organization field that carries the name.
    throw new Error('The cluster name must be 1 to 64 characters long');
  }
  const now = options.now ?? new Date();
  switch (distribution) {
    case 'k3s':
      return generateK3s(clusterName, now);
    case 'kubeadm':
      return generateKubeadm(clusterName, now);
    case 'k0s':
      return generateK0s(clusterName, now);
  }
}

function caFactory(clusterName: string, keyAlgorithm: KeyAlgorithm, now: Date) {
  return (commonName: string): Promise<CertificateAndKey> =>
    createCertificateAuthority({
      subject: { commonName, organizations: [clusterName] },
      keyAlgorithm,
      now,
    });
}

async function generateK3s(clusterName: string, now: Date): Promise<K3sClusterPki> {
  // Common names as k3s itself writes them: "<name>@<unix seconds>".
  const stamp = Math.floor(now.getTime() / 1000);
  const ca = caFactory(clusterName, 'ecdsa-p256', now);
  const [serverCa, clientCa, requestHeaderCa, etcdPeerCa, etcdServerCa, serviceKey] =
    await Promise.all([
      ca(`k3s-server-ca@${stamp}`),
      ca(`k3s-client-ca@${stamp}`),
      ca(`k3s-request-header-ca@${stamp}`),
      ca(`k3s-etcd-peer-ca@${stamp}`),
      ca(`k3s-etcd-server-ca@${stamp}`),
      generateKeyPairPem('rsa-2048'),
    ]);
  return {
    distribution: 'k3s',
    clusterName,
    serverCa,
    clientCa,
    requestHeaderCa,
    etcdPeerCa,
    etcdServerCa,
    serviceKeyPem: serviceKey.privateKeyPem,
  };
}

async function generateKubeadm(clusterName: string, now: Date): Promise<KubeadmClusterPki> {
  // kubeadm's own common names for its three CAs.
  const ca = caFactory(clusterName, 'rsa-2048', now);
  const [mainCa, frontProxyCa, etcdCa, serviceAccount] = await Promise.all([
    ca('kubernetes'),
    ca('front-proxy-ca'),
    ca('etcd-ca'),
    generateKeyPairPem('rsa-2048'),
  ]);
  return {
    distribution: 'kubeadm',
    clusterName,
    ca: mainCa,
    frontProxyCa,
    etcdCa,
    serviceAccountKeyPem: serviceAccount.privateKeyPem,
    serviceAccountPublicKeyPem: serviceAccount.publicKeyPem,
  };
}

async function generateK0s(clusterName: string, now: Date): Promise<K0sClusterPki> {
  // k0s only re-issues (e.g. on a SAN change) the leaf certificates whose issuer CN is one of its
  // own CA names (isManagedByK0s in pkg/certificate/manager.go), so the CAs keep those names.
  const ca = caFactory(clusterName, 'rsa-2048', now);
  const [mainCa, etcdCa, serviceAccount] = await Promise.all([
    ca('kubernetes-ca'),
    ca('etcd-ca'),
    generateKeyPairPem('rsa-2048'),
  ]);
  return {
    distribution: 'k0s',
    clusterName,
    ca: mainCa,
    etcdCa,
    serviceAccountKeyPem: serviceAccount.privateKeyPem,
    serviceAccountPublicKeyPem: serviceAccount.publicKeyPem,
  };
}
