import { type Cluster, createCluster } from '../../../common/cluster';
import type { ClusterSnapshot, KubeNode, NodeObservation } from '../../../common/health';

/*
 * Plans, observations and API snapshots for the health tests. Addresses are in 198.18.0.0/15
 * (benchmarking range) and nothing here opens a connection: the sources are fakes.
 */

export function testCluster(workers = 3): Cluster {
  return createCluster({
    name: 'lab',
    controlPlanes: 1,
    workers,
    subnet: '198.18.0.0/24',
    gateway: '198.18.0.1',
    dns: ['198.18.0.1'],
    firstIp: '198.18.0.11',
  });
}

export const hostnamesOf = (cluster: Cluster) => cluster.spec.nodes.map((n) => n.hostname);

export function observation(
  hostname: string,
  at: string,
  extra: Partial<NodeObservation> = {},
): NodeObservation {
  return {
    hostname,
    address: null,
    observedAt: at,
    tcp: { ssh: true, api: null },
    ssh: 'up',
    presentedHostKey: null,
    bootstrap: null,
    nodeTime: null,
    uptimeSeconds: null,
    error: null,
    ...extra,
  };
}

export function bootstrap(phase: string, since: string) {
  return { phase, step: 'begin', since, updated: since, lastError: null };
}

export function kubeNode(name: string, ready: 'True' | 'False' | 'Unknown', at: string): KubeNode {
  return {
    name,
    ready,
    conditions: [
      {
        type: 'Ready',
        status: ready,
        reason: ready === 'True' ? 'KubeletReady' : 'NodeStatusUnknown',
        message:
          ready === 'True'
            ? 'kubelet is posting ready status'
            : 'Kubelet stopped posting node status.',
        lastTransitionTime: at,
      },
    ],
    roles: name.includes('-cp-') ? ['control-plane'] : [],
    kubeletVersion: 'v1.31.4+k3s1',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    architecture: 'arm64',
    internalIP: null,
    unschedulable: false,
    createdAt: at,
  };
}

export function snapshot(at: string, nodes: KubeNode[]): ClusterSnapshot {
  return { api: 'connected', apiError: null, observedAt: at, nodes, systemPods: [], warnings: [] };
}
