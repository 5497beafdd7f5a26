import {
  type Cluster,
  type ClusterNode,
  type ClusterState,
  nodeStatus,
} from '../../../../common/cluster';

/**
 * Which node's card comes next. Plan order decides; a node is to be flashed until it is
 * "flashed" (planned, flash failed and rebuild pending all count).
 */
export function nodesToFlash(cluster: Cluster, state: ClusterState): ClusterNode[] {
  return cluster.spec.nodes.filter((node) => nodeStatus(state, node.hostname) !== 'flashed');
}

/** The first node to flash that no running job is writing already. */
export function nextNodeToFlash(
  cluster: Cluster,
  state: ClusterState,
  busy: ReadonlySet<string>,
): ClusterNode | null {
  return nodesToFlash(cluster, state).find((node) => !busy.has(node.hostname)) ?? null;
}

export function flashedCount(cluster: Cluster, state: ClusterState): number {
  return cluster.spec.nodes.length - nodesToFlash(cluster, state).length;
}

/** The image a node's card gets: its own, else the plan's default; null when there is none. */
export function imageOfNode(cluster: Cluster, node: ClusterNode): string | null {
  return node.image || cluster.spec.image.default || null;
}
