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

/**
 * The node whose card comes next, among those no running job is writing already: the node the
 * user asked for ("rebuild this node" on the Health panel) when it is still to flash, else the
 * first rebuild-pending node (a running cluster misses it), else the first in plan order.
 */
export function nextNodeToFlash(
  cluster: Cluster,
  state: ClusterState,
  busy: ReadonlySet<string>,
  preferred: string | null = null,
): ClusterNode | null {
  const free = nodesToFlash(cluster, state).filter((node) => !busy.has(node.hostname));
  return (
    free.find((node) => node.hostname === preferred) ??
    free.find((node) => nodeStatus(state, node.hostname) === 'rebuild-pending') ??
    free[0] ??
    null
  );
}

export function flashedCount(cluster: Cluster, state: ClusterState): number {
  return cluster.spec.nodes.length - nodesToFlash(cluster, state).length;
}

/** The image a node's card gets: its own, else the plan's default; null when there is none. */
export function imageOfNode(cluster: Cluster, node: ClusterNode): string | null {
  return node.image || cluster.spec.image.default || null;
}
