// The PKI domain: cluster CAs made before first boot, the admin client certificate, kubeconfigs
// and the distributions' join tokens. Plain TypeScript on Node's crypto; no Electron.
export {
  ADMIN_GROUP,
  type AdminClientCertificateOptions,
  DEFAULT_ADMIN_COMMON_NAME,
  issueAdminClientCertificate,
} from './admin-client-certificate';
export { apiServerUrl, KUBE_API_SERVER_PORT } from './api-server-url';
export {
  BOOTSTRAP_TOKEN_PATTERN,
  type BootstrapTokenParts,
  discoveryTokenCaCertHash,
  generateBootstrapToken,
  parseBootstrapToken,
} from './bootstrap-token';
export {
  type CertificateAndKey,
  certificateAndKeySchema,
  clientCertificateAuthority,
  type ClusterPki,
  clusterPkiSchema,
  type Distribution,
  type K0sClusterPki,
  type K3sClusterPki,
  type KubeadmClusterPki,
  servingCertificateAuthority,
} from './cluster-pki';
export { clusterPkiFiles, PKI_DIRECTORIES, type PkiFile } from './cluster-pki-files';
export {
  type CertificateDescription,
  certificateValidity,
  describeCertificate,
} from './describe-certificate';
export { generateClusterPki, type GenerateClusterPkiOptions } from './generate-cluster-pki';
export {
  k0sBootstrapTokenSecret,
  type K0sBootstrapTokenSecretOptions,
} from './k0s-bootstrap-token-secret';
export {
  type DecodedK0sJoinToken,
  decodeK0sJoinToken,
  generateK0sJoinToken,
  K0S_API_PORT,
  k0sJoinServerUrl,
  type K0sJoinToken,
  type K0sJoinTokenOptions,
  type K0sRole,
} from './k0s-join-token';
export { k3sHashCA } from './k3s-hash-ca';
export { generateK3sSecret, k3sSecureToken } from './k3s-token';
export { buildKubeconfig, type KubeconfigOptions } from './kubeconfig';
export {
  type KubeconfigSources,
  mergeIntoKubeconfigFile,
  mergeKubeconfig,
  resolveKubeconfigPath,
  type SavedKubeconfig,
  saveKubeconfig,
} from './kubeconfig-merge';
export { issueServingCertificate, type ServingCertificateOptions } from './serving-certificate';
export {
  type AuthorizedKey,
  generateHostKeys,
  generateUserKeyPair,
  keyBlobFingerprint,
  parseAuthorizedKey,
  publicKeyFingerprint,
  rsaHostKeyBits,
  type SshHostKeys,
  type SshKeyPair,
  type SshKeyType,
  sshKeyTypes,
} from './ssh-keys';
export {
  ADMIN_CLIENT_CERT_VALIDITY_DAYS,
  CA_VALIDITY_DAYS,
  NOT_BEFORE_BACKDATE_MS,
  PKI_VALIDITY,
  SERVING_CERT_VALIDITY_DAYS,
} from './validity';
