import type { Cluster } from '../../common/cluster';
import { KubeflashError } from '../../common/errors';

/** The control-plane node that initialises the cluster: the one that holds its kubeconfig first. */
export function initNodeHostname(cluster: Cluster): string {
  const controlPlanes = cluster.spec.nodes.filter((n) => n.role === 'control-plane');
  const init = controlPlanes.find((n) => n.init) ?? controlPlanes[0];
  if (!init) {
    throw new KubeflashError(
      'invalid-request',
      'The plan has no control-plane node to fetch the kubeconfig from',
      'spec.nodes',
    );
  }
  return init.hostname;
}
