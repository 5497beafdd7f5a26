import {
  addNodes,
  type AddNodesRequest,
  type Cluster,
  type ClusterNode,
  ipToNumber,
  isIpv4,
  numberToIp,
  planNewNodes,
  type Role,
  validateCluster,
  type ValidationIssue,
} from '../../../../common/cluster';
import { KubeflashError } from '../../../../common/errors';

/** The bulk-add dialog as typed. */
export interface BulkAddForm {
  namePattern: string;
  role: Role;
  firstIp: string;
}

export interface BulkAddPreview {
  /** The nodes `addNodes` would add; empty when the form is refused. */
  nodes: ClusterNode[];
  /** Why the form is refused, and which of its fields is wrong. */
  refusal: { field: 'namePattern' | 'firstIp' | null; message: string } | null;
  /** Plan issues the new nodes would have, by their index in `nodes`. */
  issues: ValidationIssue[][];
}

export function toAddNodesRequest(form: BulkAddForm): AddNodesRequest {
  const firstIp = form.firstIp.trim();
  return { namePattern: form.namePattern.trim(), role: form.role, ...(firstIp ? { firstIp } : {}) };
}

/** planNewNodes for the preview, and validateCluster on the result for the new rows. */
export function previewBulkAdd(cluster: Cluster, form: BulkAddForm): BulkAddPreview {
  const request = toAddNodesRequest(form);
  if (request.namePattern === '') return { nodes: [], refusal: null, issues: [] };
  let nodes: ClusterNode[];
  try {
    nodes = planNewNodes(cluster, request);
  } catch (error) {
    const subject = error instanceof KubeflashError ? error.subject : undefined;
    const field = subject === 'namePattern' || subject === 'firstIp' ? subject : null;
    const message = error instanceof Error ? error.message : String(error);
    return { nodes: [], refusal: { field, message }, issues: [] };
  }
  const offset = cluster.spec.nodes.length;
  const after = validateCluster(addNodes(cluster, request));
  const issues = nodes.map((_, i) =>
    after.filter((issue) => issue.path.startsWith(`spec.nodes.${offset + i}.`)),
  );
  return { nodes, refusal: null, issues };
}

/**
 * A starting point for the dialog: three more workers named like the last one
 * (`…-worker-03` → `…-worker-{04..06}`), from the address after the highest planned one (nodes and virtual IP).
 */
export function suggestBulkAdd(cluster: Cluster): BulkAddForm {
  const { nodes } = cluster.spec;
  const lastWorker = nodes.filter((n) => n.role === 'worker').at(-1)?.hostname;
  const numbered = lastWorker ? /^(.*?)(\d+)$/.exec(lastWorker) : null;
  let namePattern: string;
  if (numbered) {
    const [, prefix, digits] = numbered as unknown as [string, string, string];
    const width = digits.startsWith('0') ? digits.length : 0;
    const from = Number(digits) + 1;
    const pad = (n: number) => String(n).padStart(width, '0');
    namePattern = `${prefix}{${pad(from)}..${pad(from + 2)}}`;
  } else {
    const controlPlane = nodes.find((n) => n.role === 'control-plane')?.hostname;
    const base = controlPlane?.replace(/-cp-?\d*$/, '') || 'rpi-kube';
    namePattern = `${base}-worker-{01..03}`;
  }
  const taken = [...nodes.map((n) => n.ip), cluster.spec.controlPlane.virtualIP?.address];
  const highest = Math.max(
    -1,
    ...taken.filter((ip): ip is string => ip !== undefined && isIpv4(ip)).map(ipToNumber),
  );
  const firstIp =
    cluster.spec.network.addressing === 'static' && highest >= 0 && highest < 0xffffffff
      ? numberToIp(highest + 1)
      : '';
  return { namePattern, role: 'worker', firstIp };
}
