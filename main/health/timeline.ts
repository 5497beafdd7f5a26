import type { ClusterState } from '../../common/cluster';
import type {
  ClusterSnapshot,
  ClusterTimeline,
  NodeObservation,
  NodeTimeline,
} from '../../common/health';

/*
 * The timeline of flow 6 as pure functions: each records first occurrences only and returns the
 * very same object when nothing new happened, so the caller writes the state file only on news.
 */

/** Bootstrap phases during which the node's clock may still be wrong (no NTP yet). */
const untrustedClockPhases = new Set(['network', 'time']);

export function emptyTimeline(): ClusterTimeline {
  return { nodes: {} };
}

type Stamp = 'flashedAt' | 'poweredOnAt' | 'firstReachableAt' | 'sshUpAt' | 'joinedAt' | 'readyAt';

function nodeOf(timeline: ClusterTimeline, hostname: string): NodeTimeline {
  return timeline.nodes[hostname] ?? { phases: {} };
}

function withNode(
  timeline: ClusterTimeline,
  hostname: string,
  node: NodeTimeline,
): ClusterTimeline {
  return node === timeline.nodes[hostname]
    ? timeline
    : { ...timeline, nodes: { ...timeline.nodes, [hostname]: node } };
}

/** Set a stamp unless the node has it already (first occurrence wins). */
function first(node: NodeTimeline, key: Stamp, at: string | null | undefined): NodeTimeline {
  return at && !node[key] ? { ...node, [key]: at } : node;
}

/**
 * Flash times from the state file. A card flashed again after the recorded flash (a rebuild)
 * starts that node's timeline afresh: its old power-on and Ready say nothing about the new card.
 */
export function recordFlashState(timeline: ClusterTimeline, state: ClusterState): ClusterTimeline {
  let result = timeline;
  for (const [hostname, entry] of Object.entries(state.nodes)) {
    if (!entry.flashedAt) continue;
    const node = result.nodes[hostname];
    if (node?.flashedAt && Date.parse(node.flashedAt) >= Date.parse(entry.flashedAt)) continue;
    const fresh: NodeTimeline = node?.flashedAt
      ? { phases: {}, flashedAt: entry.flashedAt }
      : { ...nodeOf(result, hostname), flashedAt: entry.flashedAt };
    result = withNode(result, hostname, fresh);
  }
  return result;
}

/** The node's power-on (its clock minus its uptime), once its clock can be believed. */
export function poweredOnAt(observation: NodeObservation): string | null {
  const { bootstrap, nodeTime, uptimeSeconds } = observation;
  if (!bootstrap || untrustedClockPhases.has(bootstrap.phase)) return null;
  if (nodeTime === null || uptimeSeconds === null) return null;
  const time = Date.parse(nodeTime);
  if (Number.isNaN(time)) return null;
  return new Date(time - uptimeSeconds * 1000).toISOString();
}

export function recordObservation(
  timeline: ClusterTimeline,
  observation: NodeObservation,
): ClusterTimeline {
  const before = nodeOf(timeline, observation.hostname);
  let node = first(before, 'poweredOnAt', poweredOnAt(observation));
  if (observation.tcp.ssh || observation.ssh === 'up')
    node = first(node, 'firstReachableAt', observation.observedAt);
  if (observation.ssh === 'up') node = first(node, 'sshUpAt', observation.observedAt);
  const status = observation.bootstrap;
  if (status && !(status.phase in node.phases))
    node = { ...node, phases: { ...node.phases, [status.phase]: status.since } };
  return node === before ? timeline : withNode(timeline, observation.hostname, node);
}

/**
 * Joined and Ready from the API, for planned nodes only; the cluster is Ready when every planned
 * node is Ready at once, at the moment the last of them became Ready.
 */
export function recordSnapshot(
  timeline: ClusterTimeline,
  snapshot: ClusterSnapshot,
  planned: readonly string[],
): ClusterTimeline {
  let result = timeline;
  const wanted = new Set(planned);
  for (const kube of snapshot.nodes) {
    if (!wanted.has(kube.name)) continue;
    const before = nodeOf(result, kube.name);
    let node = first(before, 'joinedAt', kube.createdAt ?? snapshot.observedAt);
    if (kube.ready === 'True') {
      const condition = kube.conditions.find((c) => c.type === 'Ready');
      node = first(node, 'readyAt', condition?.lastTransitionTime ?? snapshot.observedAt);
    }
    if (node !== before) result = withNode(result, kube.name, node);
  }
  if (result.readyAt || planned.length === 0) return result;
  const readyNow = new Set(snapshot.nodes.filter((n) => n.ready === 'True').map((n) => n.name));
  if (!planned.every((hostname) => readyNow.has(hostname))) return result;
  const times = planned.map((hostname) => result.nodes[hostname]?.readyAt ?? snapshot.observedAt);
  return { ...result, readyAt: byTime(times).at(-1) };
}

/** The earliest power-on of any node: the timeline's zero. */
export function firstPowerOn(timeline: ClusterTimeline): string | null {
  const times = Object.values(timeline.nodes)
    .map((n) => n.poweredOnAt)
    .filter((t): t is string => Boolean(t));
  return byTime(times)[0] ?? null;
}

/** "Cluster Ready N m S s after first power-on": the N m S s, in seconds. */
export function readyAfterSeconds(timeline: ClusterTimeline): number | null {
  const zero = firstPowerOn(timeline);
  if (!zero || !timeline.readyAt) return null;
  return Math.max(0, (Date.parse(timeline.readyAt) - Date.parse(zero)) / 1000);
}

/** Timestamps in time order (node clocks and the API write ISO times with differing precision). */
function byTime(times: string[]): string[] {
  return [...times].sort((a, b) => Date.parse(a) - Date.parse(b));
}
