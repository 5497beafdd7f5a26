import { z } from 'zod';

const pem = (label: string) =>
  z.string().regex(new RegExp(`-----BEGIN ${label}-----`), `expected a PEM "${label}" block`);

const certificatePem = pem('CERTIFICATE');
const privateKeyPem = pem('(?:RSA |EC )?PRIVATE KEY');
const publicKeyPem = pem('PUBLIC KEY');

export const certificateAndKeySchema = z.strictObject({
  certificatePem,
  privateKeyPem,
});

export const distributionSchema = z.enum(['k3s', 'kubeadm', 'k0s']);

/** k3s: the five CAs it looks for under /var/lib/rancher/k3s/server/tls, plus service.key. */
export const k3sClusterPkiSchema = z.strictObject({
  distribution: z.literal('k3s'),
  clusterName: z.string().min(1),
  serverCa: certificateAndKeySchema,
  clientCa: certificateAndKeySchema,
  requestHeaderCa: certificateAndKeySchema,
  etcdPeerCa: certificateAndKeySchema,
  etcdServerCa: certificateAndKeySchema,
  serviceKeyPem: privateKeyPem,
});

/** kubeadm: /etc/kubernetes/pki ca, front-proxy-ca, etcd/ca, sa.key + sa.pub. */
export const kubeadmClusterPkiSchema = z.strictObject({
  distribution: z.literal('kubeadm'),
  clusterName: z.string().min(1),
  ca: certificateAndKeySchema,
  frontProxyCa: certificateAndKeySchema,
  etcdCa: certificateAndKeySchema,
  serviceAccountKeyPem: privateKeyPem,
  serviceAccountPublicKeyPem: publicKeyPem,
});

/** k0s: /var/lib/k0s/pki ca, etcd/ca, sa.key + sa.pub. */
export const k0sClusterPkiSchema = z.strictObject({
  distribution: z.literal('k0s'),
  clusterName: z.string().min(1),
  ca: certificateAndKeySchema,
  etcdCa: certificateAndKeySchema,
  serviceAccountKeyPem: privateKeyPem,
  serviceAccountPublicKeyPem: publicKeyPem,
});

/** Validates a PKI read back from the vault before any of it is used. */
export const clusterPkiSchema = z.discriminatedUnion('distribution', [
  k3sClusterPkiSchema,
  kubeadmClusterPkiSchema,
  k0sClusterPkiSchema,
]);

export type CertificateAndKey = z.infer<typeof certificateAndKeySchema>;
export type Distribution = z.infer<typeof distributionSchema>;
export type K3sClusterPki = z.infer<typeof k3sClusterPkiSchema>;
export type KubeadmClusterPki = z.infer<typeof kubeadmClusterPkiSchema>;
export type K0sClusterPki = z.infer<typeof k0sClusterPkiSchema>;
export type ClusterPki = z.infer<typeof clusterPkiSchema>;

/** The CA the API server checks client certificates against (k3s keeps it separate). */
export function clientCertificateAuthority(pki: ClusterPki): CertificateAndKey {
  return pki.distribution === 'k3s' ? pki.clientCa : pki.ca;
}

/** The CA that signs the API server's serving certificate, i.e. the one kubeconfigs trust. */
export function servingCertificateAuthority(pki: ClusterPki): CertificateAndKey {
  return pki.distribution === 'k3s' ? pki.serverCa : pki.ca;
}
