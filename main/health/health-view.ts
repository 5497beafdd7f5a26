import { type Cluster, type ClusterState, nodeStatus } from '../../common/cluster';
import type {
  AddonStatus,
  ClusterSnapshot,
  ClusterTimeline,
  KubeNode,
  NodeObservation,
} from '../../common/health';
import type { HealthAlert, HealthView, NodeHealth, NodeStage } from '../../common/health-view';
import { readyAfterSeconds } from './timeline';

export interface HealthInputs {
  path: string;
  cluster: Cluster;
  state: ClusterState;
  timeline: ClusterTimeline;
  observations: ReadonlyMap<string, NodeObservation>;
  snapshot: ClusterSnapshot | null;
  addons: AddonStatus[];
  watching: boolean;
  now: Date;
}

/** Where a node is on its way from card to Ready; a host-key mismatch outranks everything. */
export function nodeStage(input: {
  flashed: boolean;
  observation: NodeObservation | null;
  kube: KubeNode | null;
  wasReady: boolean;
}): NodeStage {
  const { observation, kube } = input;
  if (observation?.ssh === 'host-key-mismatch') return 'alarm';
  if (kube) {
    if (kube.ready === 'True') return 'ready';
    return input.wasReady ? 'not-ready' : 'joined';
  }
  if (observation?.bootstrap) return 'bootstrapping';
  if (observation?.ssh === 'up') return 'ssh-up';
  if (observation?.tcp.ssh) return 'reachable';
  return input.flashed ? 'flashed' : 'planned';
}

export function buildHealthView(input: HealthInputs): HealthView {
  const kubeNodes = new Map((input.snapshot?.nodes ?? []).map((n) => [n.name, n]));
  const nodes: NodeHealth[] = input.cluster.spec.nodes.map((planned) => {
    const observation = input.observations.get(planned.hostname) ?? null;
    const kube = kubeNodes.get(planned.hostname) ?? null;
    const timeline = input.timeline.nodes[planned.hostname] ?? { phases: {} };
    const flash = nodeStatus(input.state, planned.hostname);
    const stage = nodeStage({
      flashed: flash === 'flashed',
      observation,
      kube,
      wasReady: Boolean(timeline.readyAt),
    });
    return {
      hostname: planned.hostname,
      role: planned.role,
      address: planned.ip ?? null,
      flash,
      stage,
      phase: stage === 'bootstrapping' ? (observation?.bootstrap?.phase ?? null) : null,
      observation,
      kube,
      timeline,
    };
  });
  return {
    path: input.path,
    clusterName: input.cluster.metadata.name,
    watching: input.watching,
    updatedAt: input.now.toISOString(),
    api: input.snapshot?.api ?? 'unknown',
    apiError: input.snapshot?.apiError ?? null,
    nodes,
    systemPods: input.snapshot?.systemPods ?? [],
    warnings: input.snapshot?.warnings ?? [],
    addons: input.addons,
    timeline: input.timeline,
    readyAfterSeconds: readyAfterSeconds(input.timeline),
  };
}

/**
 * Alerts for what changed between two views: a node entering NotReady (it was Ready) or
 * presenting a host key other than the pinned one. A first view alerts on what it finds.
 */
export function healthAlerts(previous: HealthView | null, next: HealthView): HealthAlert[] {
  const before = new Map((previous?.nodes ?? []).map((n) => [n.hostname, n.stage]));
  const alerts: HealthAlert[] = [];
  for (const node of next.nodes) {
    if (before.get(node.hostname) === node.stage) continue;
    if (node.stage === 'not-ready') {
      const condition = node.kube?.conditions.find((c) => c.type === 'Ready');
      alerts.push({
        path: next.path,
        hostname: node.hostname,
        kind: 'not-ready',
        at: next.updatedAt,
        detail: [condition?.reason, condition?.message].filter(Boolean).join(': ') || 'NotReady',
      });
    } else if (node.stage === 'alarm') {
      alerts.push({
        path: next.path,
        hostname: node.hostname,
        kind: 'host-key-mismatch',
        at: next.updatedAt,
        detail:
          `${node.hostname} (${node.address ?? 'no planned address'}) presented host key ` +
          `${node.observation?.presentedHostKey ?? 'unknown'}, not the one pinned in the plan's secrets. ` +
          'Someone may be intercepting the connection, or the card was written by another tool: rebuild the node.',
      });
    }
  }
  return alerts;
}

/** What a view says, without probe times: views are sent on only when this differs. */
export function viewSignature(view: HealthView): string {
  return stableJson({
    ...view,
    updatedAt: null,
    nodes: view.nodes.map((n) => ({
      ...n,
      observation: n.observation
        ? { ...n.observation, observedAt: null, nodeTime: null, uptimeSeconds: null }
        : null,
    })),
  });
}

/** JSON with sorted keys: a timeline read back from the file has its keys in schema order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
