import { z } from 'zod';

/**
 * What watching a cluster come up observes (flow 6). The SSH side (main/health/ssh) produces
 * NodeObservation, the Kubernetes side (main/health/kube) ClusterSnapshot; the health watch
 * merges them with the plan and the state file into HealthView for the UI and the CLI.
 */

const iso = z.string().max(64);
const text = (max: number) => z.string().max(max);

/** /var/lib/kubeflash/status.json as the bootstrap writes it; unknown fields are dropped. */
export const BootstrapStatus = z.object({
  phase: text(64),
  step: text(1024),
  since: iso,
  updated: iso,
  lastError: text(4096).nullable(),
});
export type BootstrapStatus = z.infer<typeof BootstrapStatus>;

export const sshStates = [
  'unknown',
  'unreachable',
  'up',
  'auth-failed',
  /** The node presented a host key other than the one pinned from the plan: an alarm. */
  'host-key-mismatch',
] as const;
export const SshState = z.enum(sshStates);
export type SshState = z.infer<typeof SshState>;

/** One probe of one node over the network. */
export const NodeObservation = z.object({
  hostname: text(63),
  address: text(45).nullable(),
  observedAt: iso,
  /** TCP connect results; `api` is null for workers (no API server). */
  tcp: z.object({ ssh: z.boolean(), api: z.boolean().nullable() }),
  ssh: SshState,
  /** SHA256 fingerprint of the host key presented when it was not the pinned one. */
  presentedHostKey: text(128).nullable(),
  bootstrap: BootstrapStatus.nullable(),
  /** The node's clock and uptime, read over SSH: its power-on time is nodeTime - uptime. */
  nodeTime: iso.nullable(),
  uptimeSeconds: z.number().nonnegative().nullable(),
  error: text(4096).nullable(),
});
export type NodeObservation = z.infer<typeof NodeObservation>;

export const ConditionStatus = z.enum(['True', 'False', 'Unknown']);

/** A Kubernetes Node as the API reports it. */
export const KubeNode = z.object({
  name: text(253),
  ready: ConditionStatus,
  conditions: z.array(
    z.object({
      type: text(128),
      status: ConditionStatus,
      reason: text(256).nullable(),
      message: text(4096).nullable(),
      lastTransitionTime: iso.nullable(),
    }),
  ),
  roles: z.array(text(128)),
  kubeletVersion: text(64),
  osImage: text(256),
  architecture: text(32),
  internalIP: text(45).nullable(),
  unschedulable: z.boolean(),
  createdAt: iso.nullable(),
});
export type KubeNode = z.infer<typeof KubeNode>;

export const KubePod = z.object({
  namespace: text(253),
  name: text(253),
  node: text(253).nullable(),
  phase: text(32),
  ready: z.boolean(),
  restarts: z.number().int().nonnegative(),
});
export type KubePod = z.infer<typeof KubePod>;

export const KubeEvent = z.object({
  namespace: text(253),
  object: text(512),
  reason: text(256),
  message: text(4096),
  count: z.number().int().nonnegative(),
  lastSeen: iso.nullable(),
});
export type KubeEvent = z.infer<typeof KubeEvent>;

export const apiStates = [
  'unknown',
  'connecting',
  'connected',
  'unreachable',
  'unauthorized',
] as const;
export const ApiState = z.enum(apiStates);
export type ApiState = z.infer<typeof ApiState>;

/** The cluster as the Kubernetes API shows it, kept current by watches. */
export const ClusterSnapshot = z.object({
  api: ApiState,
  apiError: text(4096).nullable(),
  observedAt: iso,
  nodes: z.array(KubeNode),
  /** Pods in kube-system. */
  systemPods: z.array(KubePod),
  /** Recent events of type Warning, newest first. */
  warnings: z.array(KubeEvent),
});
export type ClusterSnapshot = z.infer<typeof ClusterSnapshot>;

export const AddonStatus = z.object({
  addon: z.enum(['metallb', 'nfs', 'dashboard']),
  state: z.enum(['ready', 'progressing', 'missing', 'failed']),
  detail: text(4096),
});
export type AddonStatus = z.infer<typeof AddonStatus>;

export const SmokeTestNodeResult = z.object({
  node: text(253),
  ok: z.boolean(),
  podPhase: text(32).nullable(),
  message: text(4096).nullable(),
});

export const SmokeTestResult = z.object({
  passed: z.boolean(),
  startedAt: iso,
  finishedAt: iso,
  image: text(512),
  nodes: z.array(SmokeTestNodeResult),
  /** Why the test could not run or complete (API unreachable, timeout, …). */
  error: text(4096).nullable(),
});
export type SmokeTestResult = z.infer<typeof SmokeTestResult>;

/**
 * When things happened to one node, first occurrence each; kept in the cluster's state file so
 * it survives a restart of the app.
 */
export const NodeTimeline = z
  .object({
    flashedAt: iso.optional(),
    /** The node's synced time minus its uptime. */
    poweredOnAt: iso.optional(),
    firstReachableAt: iso.optional(),
    sshUpAt: iso.optional(),
    /** Bootstrap phase name → when the node entered it (status.json `since`). */
    phases: z.record(text(64), iso).default({}),
    joinedAt: iso.optional(),
    readyAt: iso.optional(),
  })
  .strict();
export type NodeTimeline = z.infer<typeof NodeTimeline>;

export const ClusterTimeline = z
  .object({
    nodes: z.record(text(63), NodeTimeline).default({}),
    /** When every planned node was Ready for the first time. */
    readyAt: iso.optional(),
  })
  .strict();
export type ClusterTimeline = z.infer<typeof ClusterTimeline>;
