import { z } from 'zod';

import { nodeStatuses, roles } from './cluster';
import {
  AddonStatus,
  ApiState,
  ClusterTimeline,
  KubeEvent,
  KubeNode,
  KubePod,
  NodeObservation,
  NodeTimeline,
  SmokeTestResult,
} from './health';

/**
 * What the Health panel and `kubeflash status` show (flow 6): the plan, the state file, the SSH
 * observations and the Kubernetes API merged per node by main/health/health-view.ts.
 */

export const nodeStages = [
  'planned',
  'flashed',
  'reachable',
  'ssh-up',
  'bootstrapping',
  'joined',
  'ready',
  /** It was Ready once and is not now. */
  'not-ready',
  /** The node presented a host key other than the pinned one. */
  'alarm',
] as const;
export const NodeStage = z.enum(nodeStages);
export type NodeStage = z.infer<typeof NodeStage>;

export const NodeHealth = z.object({
  hostname: z.string().max(63),
  role: z.enum(roles),
  /** The planned address; null with DHCP and no reservation. */
  address: z.string().max(45).nullable(),
  /** The state file's word on its card. */
  flash: z.enum(nodeStatuses),
  stage: NodeStage,
  /** The bootstrap phase while bootstrapping (status.json). */
  phase: z.string().max(64).nullable(),
  observation: NodeObservation.nullable(),
  kube: KubeNode.nullable(),
  timeline: NodeTimeline,
});
export type NodeHealth = z.infer<typeof NodeHealth>;

export const HealthView = z.object({
  path: z.string().max(4096),
  clusterName: z.string().max(253),
  /** False once the watch was stopped; the view is then the last one seen. */
  watching: z.boolean(),
  updatedAt: z.string().max(64),
  api: ApiState,
  apiError: z.string().max(4096).nullable(),
  nodes: z.array(NodeHealth),
  /** Pods in kube-system and recent warning events, from the API. */
  systemPods: z.array(KubePod),
  warnings: z.array(KubeEvent),
  /** Status of the add-ons the plan enables. */
  addons: z.array(AddonStatus),
  timeline: ClusterTimeline,
  /** Seconds from the first power-on to the cluster's first Ready: the headline. */
  readyAfterSeconds: z.number().nonnegative().nullable(),
});
export type HealthView = z.infer<typeof HealthView>;

export const HealthAlert = z.object({
  path: z.string().max(4096),
  hostname: z.string().max(63),
  kind: z.enum(['not-ready', 'host-key-mismatch']),
  at: z.string().max(64),
  /** English detail (presented fingerprint, the condition's reason); the UI words the title. */
  detail: z.string().max(4096),
});
export type HealthAlert = z.infer<typeof HealthAlert>;

/** Lines of a node's bootstrap log, streamed for one followNodeLog call. */
export const HealthLogEvent = z.object({
  streamId: z.string().max(64),
  hostname: z.string().max(63),
  lines: z.array(z.string().max(8192)).max(1000),
  /** The stream ended (stopped, or failed: `error`). */
  ended: z.boolean().default(false),
  error: z.string().max(4096).nullable().default(null),
});
export type HealthLogEvent = z.infer<typeof HealthLogEvent>;

export const SmokeTestProgress = z.object({
  path: z.string().max(4096),
  message: z.string().max(4096),
});

export { SmokeTestResult };

/** "7 m 42 s", the headline's duration (the UI and the CLI word the sentence around it). */
export function formatDuration(seconds: number): string {
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return `${h} h ${m} m ${s} s`;
  return m > 0 ? `${m} m ${s} s` : `${s} s`;
}
