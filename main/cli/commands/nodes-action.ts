import {
  addNodes,
  type Cluster,
  moveNode,
  nodeStatus,
  pruneState,
  removeNode,
  renameNode,
  type Role,
  setInitNode,
  setNodeImage,
  setNodeIp,
  setNodeRole,
  validateCluster,
} from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { loadPlan, loadState, projectPaths, savePlan, saveState } from '../../cluster';
import { clusterPath, printIssues } from '../cluster-option';
import { formatTable } from '../format';
import type { CliIo } from '../io';
import type { ClusterOptions, NodeSetFlags } from './nodes';

/** Load, change, validate, save: the plan and its state stay in step. */
async function editPlan(io: CliIo, options: ClusterOptions, change: (cluster: Cluster) => Cluster) {
  const path = clusterPath(options);
  const paths = projectPaths(path);
  const changed = change(await loadPlan(path));
  await savePlan(path, changed);
  const state = await loadState(paths.state);
  const pruned = pruneState(
    state,
    changed.spec.nodes.map((n) => n.hostname),
  );
  if (Object.keys(pruned.nodes).length !== Object.keys(state.nodes).length)
    await saveState(paths.state, pruned);
  printIssues(io, validateCluster(changed));
  return changed;
}

export async function listNodes(io: CliIo, options: ClusterOptions & { json?: boolean }) {
  const path = clusterPath(options);
  const cluster = await loadPlan(path);
  const state = await loadState(projectPaths(path).state);
  const rows = cluster.spec.nodes.map((n) => ({ ...n, status: nodeStatus(state, n.hostname) }));
  if (options.json) return io.out(JSON.stringify(rows, null, 2));
  if (rows.length === 0)
    return io.out(
      'No nodes planned. Add some: kubeflash nodes add --names "rpi-kube-worker-{01..03}" --first-ip …',
    );
  io.out(
    formatTable(
      ['HOSTNAME', 'ROLE', 'INIT', 'IP', 'IMAGE', 'STATUS'],
      rows.map((n) => [
        n.hostname,
        n.role,
        n.init ? 'yes' : '',
        n.ip ?? 'dhcp',
        n.image ?? '',
        n.status,
      ]),
    ),
  );
}

export async function addNodesToPlan(
  io: CliIo,
  options: ClusterOptions & { names: string; firstIp?: string; role: Role },
) {
  const before = (await loadPlan(clusterPath(options))).spec.nodes.length;
  const after = await editPlan(io, options, (c) =>
    addNodes(c, { namePattern: options.names, role: options.role, firstIp: options.firstIp }),
  );
  const added = after.spec.nodes.slice(before);
  io.out(
    `Added ${added.length} node${added.length === 1 ? '' : 's'}: ${added.map((n) => n.hostname).join(', ')}`,
  );
}

export async function removeNodes(io: CliIo, hostnames: string[], options: ClusterOptions) {
  await editPlan(io, options, (c) => hostnames.reduce(removeNode, c));
  io.out(`Removed ${hostnames.join(', ')}`);
}

export async function setNode(io: CliIo, hostname: string, options: NodeSetFlags) {
  await editPlan(io, options, (cluster) => {
    let c = cluster;
    if (options.ip !== undefined) c = setNodeIp(c, hostname, options.ip);
    if (options.role) c = setNodeRole(c, hostname, options.role);
    if (options.image !== undefined) c = setNodeImage(c, hostname, options.image);
    if (options.init) c = setInitNode(c, hostname);
    if (options.position !== undefined) {
      if (!Number.isInteger(options.position) || options.position < 1) {
        throw new KubeflashError(
          'invalid-request',
          '--position is a whole number from 1',
          'position',
        );
      }
      c = moveNode(c, hostname, options.position - 1);
    }
    if (options.rename) c = renameNode(c, hostname, options.rename);
    return c;
  });
  io.out(`Updated ${options.rename ?? hostname}`);
}
