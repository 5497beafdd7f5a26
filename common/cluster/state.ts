import { z } from 'zod';

import { ClusterTimeline } from '../health';

/**
 * Runtime state beside the plan (`<name>.state.json`): what happened to each node's card. Written
 * by the unprivileged app, never by the elevated writer; not meant for version control.
 */
export const clusterStateApiVersion = 'kubeflash.io/v1alpha1';

export const nodeStatuses = ['planned', 'flashed', 'flash-failed', 'rebuild-pending'] as const;
export type NodeStatus = (typeof nodeStatuses)[number];

export const CardIdentity = z
  .object({
    device: z.string(),
    size: z.number().int().nonnegative(),
    serial: z.string().nullable(),
    /** sha256 of the card's first MiB when it was selected. */
    firstMiBSha256: z.string().optional(),
  })
  .strict();

export const NodeState = z
  .object({
    status: z.enum(nodeStatuses),
    updatedAt: z.string(),
    flashedAt: z.string().optional(),
    card: CardIdentity.optional(),
    /** Why the last flash failed. */
    reason: z.string().optional(),
  })
  .strict();
export type NodeState = z.infer<typeof NodeState>;

export const ClusterState = z
  .object({
    apiVersion: z.literal(clusterStateApiVersion),
    kind: z.literal('ClusterState'),
    nodes: z.record(z.string(), NodeState).default({}),
    /** When nodes were first seen up, joined, Ready (flow 6); absent until a health watch ran. */
    timeline: ClusterTimeline.optional(),
  })
  .strict();
export type ClusterState = z.infer<typeof ClusterState>;

export function emptyState(): ClusterState {
  return { apiVersion: clusterStateApiVersion, kind: 'ClusterState', nodes: {} };
}

export function nodeStatus(state: ClusterState, hostname: string): NodeStatus {
  return state.nodes[hostname]?.status ?? 'planned';
}

/** Mark a node for rebuild: its card is to be written again (flow 6 → flow 3). */
export function markForRebuild(state: ClusterState, hostname: string, now: Date): ClusterState {
  const previous = state.nodes[hostname];
  return {
    ...state,
    nodes: {
      ...state.nodes,
      [hostname]: { ...previous, status: 'rebuild-pending', updatedAt: now.toISOString() },
    },
  };
}

/**
 * Keep only the nodes the plan still has. A renamed node is a new node: its card carries the
 * old hostname, so it must be flashed again.
 */
export function pruneState(state: ClusterState, hostnames: readonly string[]): ClusterState {
  const keep = new Set(hostnames);
  const kept = <T>(record: Record<string, T>) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => keep.has(name)));
  return {
    ...state,
    nodes: kept(state.nodes),
    ...(state.timeline
      ? { timeline: { ...state.timeline, nodes: kept(state.timeline.nodes) } }
      : {}),
  };
}

export type CardIdentityState = z.infer<typeof CardIdentity>;

/** The card was written, verified and its boot files read back. */
export function markFlashed(
  state: ClusterState,
  hostname: string,
  at: Date,
  card: CardIdentityState,
): ClusterState {
  const entry: NodeState = {
    status: 'flashed',
    updatedAt: at.toISOString(),
    flashedAt: at.toISOString(),
    card,
  };
  return { ...state, nodes: { ...state.nodes, [hostname]: entry } };
}

/** The flash failed: the node says so, with the reason, until it is flashed again. */
export function markFlashFailed(
  state: ClusterState,
  hostname: string,
  at: Date,
  reason: string,
): ClusterState {
  const entry: NodeState = { status: 'flash-failed', updatedAt: at.toISOString(), reason };
  return { ...state, nodes: { ...state.nodes, [hostname]: entry } };
}
