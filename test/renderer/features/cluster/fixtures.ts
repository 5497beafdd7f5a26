import {
  type Cluster,
  createCluster,
  emptyState,
  type NewClusterOptions,
  validateCluster,
} from '../../../../common/cluster';
import type { ClusterView } from '../../../../common/cluster-view';

/** A valid 3 + 2 plan behind a virtual IP, as `kubeflash init` would make it. */
export function labCluster(overrides: Partial<NewClusterOptions> = {}): Cluster {
  return createCluster({
    name: 'lab',
    controlPlanes: 3,
    workers: 2,
    virtualIP: '192.168.1.100',
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: ['192.168.1.1'],
    firstIp: '192.168.1.101',
    ...overrides,
  });
}

export function viewOf(cluster: Cluster, path = '/clusters/lab.yaml'): ClusterView {
  return {
    path,
    cluster,
    state: emptyState(),
    issues: validateCluster(cluster),
    secrets: {
      file: path.replace(/\.yaml$/, '.secrets'),
      exists: true,
      unlocked: false,
      certificates: [],
      userKeyFingerprint: null,
      userPublicKey: null,
      hostKeys: [],
    },
  };
}
