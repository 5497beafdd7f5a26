import type { Cluster } from '../../common/cluster';
import { nodeStatus } from '../../common/cluster';
import { KubeflashError, serializeError } from '../../common/errors';
import { type ClusterWorkspace, loadState, projectPaths, tokenNames } from '../cluster';
import { kubeadmBootstrapTokenTtlSeconds } from '../distro/config';
import type { mintBootstrapToken } from '../distro/kubeadm-token';
import type { Secrets } from '../secrets';

export type MintToken = typeof mintBootstrapToken;

/**
 * Minting through the API, loaded on first use: it brings in the Kubernetes client (about 0.4 s
 * to load), which only a kubeadm rebuild needs, not every `kubeflash flash`.
 */
const mintThroughApi: MintToken = async (...args) =>
  (await import('../distro/kubeadm-token')).mintBootstrapToken(...args);

/**
 * The secrets a node's card is made from. A kubeadm node being rebuilt joins a cluster that may
 * have formed months ago, long after the plan's bootstrap token expired: its card gets a fresh
 * token minted through the API with the admin kubeconfig (the discovery CA hash stays the same).
 * Everything else uses the plan's secrets unchanged.
 */
export async function secretsForCard(
  workspace: ClusterWorkspace,
  clusterPath: string,
  cluster: Cluster,
  hostname: string,
  mint: MintToken = mintThroughApi,
): Promise<Secrets> {
  const secrets = workspace.secrets(clusterPath);
  if (cluster.spec.distribution.name !== 'kubeadm') return secrets;
  const state = await loadState(projectPaths(clusterPath).state);
  if (nodeStatus(state, hostname) !== 'rebuild-pending') return secrets;
  const { text } = await workspace.kubeconfig(clusterPath);
  let token: string;
  try {
    token = await mint(text, {
      ttlSeconds: kubeadmBootstrapTokenTtlSeconds,
      description: `kubeflash rebuild of ${hostname}`,
    });
  } catch (error) {
    throw new KubeflashError(
      'unavailable',
      `Rebuilding ${hostname} needs a fresh kubeadm join token from the cluster's API at ` +
        `${cluster.spec.controlPlane.endpoint}:${cluster.spec.controlPlane.port}, which did not ` +
        `answer (${serializeError(error).message}). Flash it while the cluster is up.`,
      hostname,
    );
  }
  return { ...secrets, tokens: { ...secrets.tokens, [tokenNames.kubeadmBootstrap]: token } };
}
