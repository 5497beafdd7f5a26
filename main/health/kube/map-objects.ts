import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';

import type { KubeEvent, KubeNode, KubePod } from '../../../common/health';

const ROLE_LABEL_PREFIX = 'node-role.kubernetes.io/';

type ConditionStatus = KubeNode['ready'];

/** A Node as the cluster view shows it; roles from node-role.kubernetes.io/<role> labels. */
export function toKubeNode(node: V1Node): KubeNode {
  const labels = node.metadata?.labels ?? {};
  const roles = Object.keys(labels)
    .filter((label) => label.startsWith(ROLE_LABEL_PREFIX))
    .map((label) => label.slice(ROLE_LABEL_PREFIX.length))
    .filter(Boolean)
    .sort();
  const conditions = (node.status?.conditions ?? []).map((condition) => ({
    type: clip(condition.type, 128),
    status: conditionStatus(condition.status),
    reason: condition.reason ? clip(condition.reason, 256) : null,
    message: condition.message ? clip(condition.message, 4096) : null,
    lastTransitionTime: isoOrNull(condition.lastTransitionTime),
  }));
  const info = node.status?.nodeInfo;
  return {
    name: clip(node.metadata?.name ?? '', 253),
    ready: conditions.find((c) => c.type === 'Ready')?.status ?? 'Unknown',
    conditions,
    roles: roles.length > 0 ? roles : ['worker'],
    kubeletVersion: clip(info?.kubeletVersion ?? '', 64),
    osImage: clip(info?.osImage ?? '', 256),
    architecture: clip(info?.architecture ?? labels['kubernetes.io/arch'] ?? '', 32),
    internalIP:
      node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address.slice(0, 45) ?? null,
    unschedulable: node.spec?.unschedulable === true,
    createdAt: isoOrNull(node.metadata?.creationTimestamp),
  };
}

export function toKubePod(pod: V1Pod): KubePod {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    namespace: clip(pod.metadata?.namespace ?? '', 253),
    name: clip(pod.metadata?.name ?? '', 253),
    node: pod.spec?.nodeName ? clip(pod.spec.nodeName, 253) : null,
    phase: clip(pod.status?.phase ?? 'Unknown', 32),
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: statuses.reduce((sum, s) => sum + Math.max(0, s.restartCount ?? 0), 0),
  };
}

export function toKubeEvent(event: CoreV1Event): KubeEvent {
  const object = event.involvedObject;
  return {
    namespace: clip(event.metadata?.namespace ?? '', 253),
    object: clip(`${object.kind ?? 'Object'}/${object.name ?? ''}`, 512),
    reason: clip(event.reason ?? '', 256),
    message: clip(event.message ?? '', 4096),
    count: Math.max(0, Math.trunc(event.count ?? event.series?.count ?? 1)),
    lastSeen: isoOrNull(
      event.lastTimestamp ?? event.eventTime ?? event.series?.lastObservedTime ?? null,
    ),
  };
}

function conditionStatus(status: string | undefined): ConditionStatus {
  return status === 'True' || status === 'False' ? status : 'Unknown';
}

/** client-node turns date-time fields into Dates; the seam carries ISO strings. */
function isoOrNull(value: Date | string | null | undefined): string | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
