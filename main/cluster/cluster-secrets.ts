import type { Cluster } from '../../common/cluster';
import {
  generateBootstrapToken,
  generateClusterPki,
  generateHostKeys,
  generateK3sSecret,
  generateUserKeyPair,
  issueAdminClientCertificate,
} from '../pki';
import type { Secrets } from '../secrets';

/** Token names in the vault, per distribution. */
export const tokenNames = {
  k3sSecret: 'k3s-server-secret',
  kubeadmBootstrap: 'kubeadm-bootstrap-token',
  k0sWorker: 'k0s-worker-bootstrap-token',
  k0sController: 'k0s-controller-bootstrap-token',
} as const;

/**
 * Everything secret a new cluster needs before its first card is written: the distribution's
 * CAs, the admin client certificate, join tokens, the app's own SSH key (the app logs in to
 * watch the nodes) and every node's SSH host keys (so the app can pin them).
 */
export async function generateClusterSecrets(cluster: Cluster, now = new Date()): Promise<Secrets> {
  const distribution = cluster.spec.distribution.name;
  const pki = await generateClusterPki({ distribution, clusterName: cluster.metadata.name, now });
  const admin = await issueAdminClientCertificate(pki, { now });
  const tokens: Record<string, string> =
    distribution === 'k3s'
      ? { [tokenNames.k3sSecret]: generateK3sSecret() }
      : distribution === 'kubeadm'
        ? { [tokenNames.kubeadmBootstrap]: generateBootstrapToken() }
        : {
            [tokenNames.k0sWorker]: generateBootstrapToken(),
            [tokenNames.k0sController]: generateBootstrapToken(),
          };
  const secrets: Secrets = {
    version: 1,
    pki,
    admin,
    tokens,
    ssh: { user: await generateUserKeyPair(`kubeflash@${cluster.metadata.name}`), hostKeys: {} },
  };
  return (await ensureNodeSecrets(cluster, secrets)).secrets;
}

/**
 * Host keys for every planned node, none for nodes no longer planned. A renamed node gets new
 * keys: it is a new machine as far as SSH is concerned.
 */
export async function ensureNodeSecrets(
  cluster: Cluster,
  secrets: Secrets,
): Promise<{ secrets: Secrets; changed: boolean }> {
  const existing = secrets.ssh?.hostKeys ?? {};
  const planned = cluster.spec.nodes.map((n) => n.hostname);
  const hostKeys: NonNullable<Secrets['ssh']>['hostKeys'] = {};
  let changed = Object.keys(existing).some((name) => !planned.includes(name));
  for (const hostname of planned) {
    const keys = existing[hostname];
    if (keys) hostKeys[hostname] = keys;
    else {
      hostKeys[hostname] = await generateHostKeys(hostname);
      changed = true;
    }
  }
  return { secrets: { ...secrets, ssh: { ...secrets.ssh, hostKeys } }, changed };
}
