import type { CertificateAndKey, ClusterPki } from './cluster-pki';

export interface PkiFile {
  /** Absolute path on the node's root file system. */
  path: string;
  contents: string;
  /** Private keys 0600; certificates and public keys 0644. */
  mode: number;
}

/** Where each distribution looks for pre-made CA material on first start. */
export const PKI_DIRECTORIES = {
  k3s: '/var/lib/rancher/k3s/server/tls',
  kubeadm: '/etc/kubernetes/pki',
  k0s: '/var/lib/k0s/pki',
} as const;

/**
 * The files a control-plane node needs, named as the distribution expects them (k3s custom CA
 * docs and generate-custom-ca-certs.sh; kubeadm "certs" phase; k0s "custom CA" docs). They must
 * be in place before the distribution's first start, or it generates CAs of its own.
 */
export function clusterPkiFiles(pki: ClusterPki): PkiFile[] {
  const dir = PKI_DIRECTORIES[pki.distribution];
  const files: PkiFile[] = [];
  const pair = (name: string, ca: CertificateAndKey) => {
    files.push({ path: `${dir}/${name}.crt`, contents: ca.certificatePem, mode: 0o644 });
    files.push({ path: `${dir}/${name}.key`, contents: ca.privateKeyPem, mode: 0o600 });
  };
  switch (pki.distribution) {
    case 'k3s':
      pair('server-ca', pki.serverCa);
      pair('client-ca', pki.clientCa);
      pair('request-header-ca', pki.requestHeaderCa);
      pair('etcd/peer-ca', pki.etcdPeerCa);
      pair('etcd/server-ca', pki.etcdServerCa);
      files.push({ path: `${dir}/service.key`, contents: pki.serviceKeyPem, mode: 0o600 });
      break;
    case 'kubeadm':
      pair('ca', pki.ca);
      pair('front-proxy-ca', pki.frontProxyCa);
      pair('etcd/ca', pki.etcdCa);
      files.push({ path: `${dir}/sa.key`, contents: pki.serviceAccountKeyPem, mode: 0o600 });
      files.push({ path: `${dir}/sa.pub`, contents: pki.serviceAccountPublicKeyPem, mode: 0o644 });
      break;
    case 'k0s':
      pair('ca', pki.ca);
      pair('etcd/ca', pki.etcdCa);
      files.push({ path: `${dir}/sa.key`, contents: pki.serviceAccountKeyPem, mode: 0o600 });
      files.push({ path: `${dir}/sa.pub`, contents: pki.serviceAccountPublicKeyPem, mode: 0o644 });
      break;
  }
  return files;
}
