import {
  type Cluster,
  type ClusterNode,
  parseIpv4Cidr,
  validateCluster,
} from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';

/** What every distribution's renderer asks of the plan about one node. */
export interface PlanFacts {
  cluster: Cluster;
  node: ClusterNode;
  controlPlane: boolean;
  /** The designated node that initialises the cluster. */
  init: boolean;
  /** The node's address, when the plan knows it (static, or a DHCP reservation). */
  address?: string;
  /** Host and port every node and kubeconfig uses for the API. */
  endpoint: { host: string; port: number };
  /** The virtual IP with the subnet's prefix length (for `ip addr add`-style configs). */
  vip?: { address: string; provider: string; prefixLength: number };
  /** Every control-plane node, init node first. */
  controlPlanes: ClusterNode[];
  /** Names the API serving certificate must carry: the endpoint and the virtual IP. */
  apiSans: string[];
}

/**
 * The facts about one node of a plan. The plan must validate first (the rules live once, in
 * validateCluster): hostnames and addresses end up in keepalived, haproxy and shell text.
 */
export function planFacts(cluster: Cluster, node: ClusterNode): PlanFacts {
  const { spec } = cluster;
  const problem = validateCluster(cluster).find((issue) => issue.severity === 'error');
  if (problem) {
    throw new KubeflashError(
      'invalid-request',
      `The plan has an error at ${problem.path}: ${problem.message}. Fix it (kubeflash validate lists all), then flash again`,
      problem.path,
    );
  }
  if (!spec.nodes.some((n) => n.hostname === node.hostname)) {
    throw new KubeflashError(
      'invalid-request',
      `${node.hostname} is not a node of the cluster ${cluster.metadata.name}: add it to the node table first`,
      'spec.nodes',
    );
  }
  const virtualIP = spec.controlPlane.virtualIP;
  const subnet = parseIpv4Cidr(spec.network.subnet);
  if (virtualIP && !subnet) {
    throw new KubeflashError(
      'invalid-request',
      `"${spec.network.subnet}" is not an IPv4 subnet such as 192.168.1.0/24: the virtual IP needs its prefix length`,
      'spec.network.subnet',
    );
  }
  const controlPlanes = spec.nodes
    .filter((n) => n.role === 'control-plane')
    .sort((a, b) => Number(b.init === true) - Number(a.init === true));
  return {
    cluster,
    node,
    controlPlane: node.role === 'control-plane',
    init: node.init === true && node.role === 'control-plane',
    ...(node.ip ? { address: node.ip } : {}),
    endpoint: { host: spec.controlPlane.endpoint, port: spec.controlPlane.port },
    ...(virtualIP && subnet
      ? {
          vip: {
            address: virtualIP.address,
            provider: virtualIP.provider,
            prefixLength: subnet.prefix,
          },
        }
      : {}),
    controlPlanes,
    apiSans: [...new Set([spec.controlPlane.endpoint, ...(virtualIP ? [virtualIP.address] : [])])],
  };
}

/** The addresses of all control planes; configs that list peers need every one of them. */
export function controlPlaneAddresses(facts: PlanFacts, why: string): string[] {
  return facts.controlPlanes.map((n) => {
    if (!n.ip) {
      throw new KubeflashError(
        'invalid-request',
        `${n.hostname} has no IP address, but ${why}: give it a static address or a DHCP reservation`,
        `spec.nodes.${facts.cluster.spec.nodes.indexOf(n)}.ip`,
      );
    }
    return n.ip;
  });
}

/** The node's address where a config cannot do without it. */
export function requireAddress(facts: PlanFacts, why: string): string {
  if (!facts.address) {
    throw new KubeflashError(
      'invalid-request',
      `${facts.node.hostname} has no IP address, but ${why}: give it a static address or a DHCP reservation`,
      `spec.nodes.${facts.cluster.spec.nodes.indexOf(facts.node)}.ip`,
    );
  }
  return facts.address;
}

/** A token from the vault, or an error saying which one is missing. */
export function requireToken(tokens: Record<string, string> | undefined, name: string): string {
  const value = tokens?.[name];
  if (!value) {
    throw new KubeflashError(
      'invalid-file',
      `The secrets hold no "${name}" token: unlock the secrets file made for this cluster`,
      name,
    );
  }
  return value;
}
