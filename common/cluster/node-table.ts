import { KubeflashError } from '../errors';
import { ipv4Sequence, isIpv4 } from './ipv4';
import { expandNamePattern } from './name-pattern';
import type { Cluster, ClusterNode, Role } from './schema';

/**
 * Node table operations. Each returns a new cluster and leaves its input untouched, so the UI
 * can preview, undo and diff; rules that span nodes are checked by validateCluster, not here.
 */

export interface AddNodesRequest {
  /** `rpi-kube-worker-{01..12}` or a single name. */
  namePattern: string;
  role: Role;
  /** First address; the others follow. Omit with DHCP. */
  firstIp?: string;
}

/** The nodes `addNodes` would add, for the bulk-add preview. */
export function planNewNodes(cluster: Cluster, request: AddNodesRequest): ClusterNode[] {
  let names: string[];
  try {
    names = expandNamePattern(request.namePattern.trim());
  } catch (error) {
    throw new KubeflashError('invalid-request', (error as Error).message, 'namePattern');
  }
  const existing = new Set(cluster.spec.nodes.map((n) => n.hostname));
  const taken = names.find((name) => existing.has(name));
  if (taken)
    throw new KubeflashError(
      'invalid-request',
      `A node named ${taken} already exists`,
      'namePattern',
    );
  let ips: (string | undefined)[] = names.map(() => undefined);
  if (request.firstIp) {
    if (!isIpv4(request.firstIp)) {
      throw new KubeflashError(
        'invalid-request',
        `${request.firstIp} is not an IPv4 address`,
        'firstIp',
      );
    }
    try {
      ips = ipv4Sequence(request.firstIp, names.length);
    } catch (error) {
      throw new KubeflashError('invalid-request', (error as Error).message, 'firstIp');
    }
  }
  return names.map((hostname, i) => ({
    hostname,
    role: request.role,
    ...(ips[i] ? { ip: ips[i] } : {}),
  }));
}

export function addNodes(cluster: Cluster, request: AddNodesRequest): Cluster {
  const added = planNewNodes(cluster, request);
  const needsInit = !cluster.spec.nodes.some((n) => n.init) && request.role === 'control-plane';
  if (needsInit) added[0] = { ...added[0]!, init: true };
  return withNodes(cluster, [...cluster.spec.nodes, ...added]);
}

export function removeNode(cluster: Cluster, hostname: string): Cluster {
  indexOf(cluster, hostname);
  return withNodes(
    cluster,
    cluster.spec.nodes.filter((n) => n.hostname !== hostname),
  );
}

export function renameNode(cluster: Cluster, hostname: string, newHostname: string): Cluster {
  if (hostname !== newHostname && cluster.spec.nodes.some((n) => n.hostname === newHostname)) {
    throw new KubeflashError(
      'invalid-request',
      `A node named ${newHostname} already exists`,
      'hostname',
    );
  }
  return updateNode(cluster, hostname, { hostname: newHostname });
}

export function setNodeRole(cluster: Cluster, hostname: string, role: Role): Cluster {
  const changed = updateNode(cluster, hostname, { role });
  // A worker cannot initialise the cluster.
  return role === 'worker' ? updateNode(changed, hostname, { init: undefined }) : changed;
}

/** Make this control-plane node the one that initialises the cluster (and no other). */
export function setInitNode(cluster: Cluster, hostname: string): Cluster {
  const node = cluster.spec.nodes[indexOf(cluster, hostname)]!;
  if (node.role !== 'control-plane') {
    throw new KubeflashError(
      'invalid-request',
      `${hostname} is a worker: only a control-plane node can initialise the cluster`,
      'init',
    );
  }
  return withNodes(
    cluster,
    cluster.spec.nodes.map(({ init: _init, ...rest }) =>
      rest.hostname === hostname ? { ...rest, init: true } : rest,
    ),
  );
}

export function setNodeIp(cluster: Cluster, hostname: string, ip: string | undefined): Cluster {
  return updateNode(cluster, hostname, { ip: ip || undefined });
}

export function setNodeImage(
  cluster: Cluster,
  hostname: string,
  image: string | undefined,
): Cluster {
  return updateNode(cluster, hostname, { image: image || undefined });
}

/** Move a node to position `toIndex` (clamped), e.g. to change the flashing order. */
export function moveNode(cluster: Cluster, hostname: string, toIndex: number): Cluster {
  const nodes = [...cluster.spec.nodes];
  const [node] = nodes.splice(indexOf(cluster, hostname), 1);
  nodes.splice(Math.max(0, Math.min(toIndex, nodes.length)), 0, node!);
  return withNodes(cluster, nodes);
}

function updateNode(cluster: Cluster, hostname: string, patch: Partial<ClusterNode>): Cluster {
  const index = indexOf(cluster, hostname);
  const nodes = cluster.spec.nodes.map((node, i) =>
    i === index ? dropUndefined({ ...node, ...patch }) : node,
  );
  return withNodes(cluster, nodes);
}

function indexOf(cluster: Cluster, hostname: string): number {
  const index = cluster.spec.nodes.findIndex((n) => n.hostname === hostname);
  if (index < 0)
    throw new KubeflashError(
      'not-found',
      `No node named ${hostname} in cluster ${cluster.metadata.name}`,
      hostname,
    );
  return index;
}

function withNodes(cluster: Cluster, nodes: ClusterNode[]): Cluster {
  return { ...cluster, spec: { ...cluster.spec, nodes } };
}

function dropUndefined(node: ClusterNode): ClusterNode {
  return Object.fromEntries(Object.entries(node).filter(([, v]) => v !== undefined)) as ClusterNode;
}
