import type { Cluster } from '../../common/cluster';
import type {
  AddonStatus,
  ClusterSnapshot,
  NodeObservation,
  SmokeTestResult,
} from '../../common/health';
import type { Secrets } from '../secrets';

/*
 * What the health watch needs from the SSH side (main/health/ssh, probe) and the Kubernetes side
 * (main/health/kube), as small interfaces: the watch is tested with in-memory fakes, and
 * real-sources.ts binds them to the real modules.
 */

/** A cluster whose secrets are unlocked: enough to reach its nodes and its API. */
export interface HealthCluster {
  path: string;
  cluster: Cluster;
  secrets: Secrets;
}

export type StopWatching = () => void;

export type AddonName = AddonStatus['addon'];

export interface SmokeTestOptions {
  timeoutMs: number;
  onProgress(message: string): void;
  signal?: AbortSignal;
}

export interface HealthSources {
  /** Probe these nodes over the network (bounded pool, backoff) until stopped. */
  watchNodes(
    target: HealthCluster,
    hostnames: readonly string[],
    onObservation: (observation: NodeObservation) => void,
  ): StopWatching;
  /** Watch the API with this kubeconfig (watches resume) until stopped. */
  watchCluster(kubeconfig: string, onSnapshot: (snapshot: ClusterSnapshot) => void): StopWatching;
  addonStatuses(kubeconfig: string, addons: readonly AddonName[]): Promise<AddonStatus[]>;
  /** Follow a node's bootstrap log until `signal` aborts or the connection ends. */
  followLog(
    target: HealthCluster,
    hostname: string,
    onLines: (lines: string[]) => void,
    signal: AbortSignal,
  ): Promise<void>;
  /** The kubeconfig the node's distribution wrote, read over SSH, pointed at the plan endpoint. */
  fetchKubeconfig(target: HealthCluster, hostname: string): Promise<string>;
  smokeTest(kubeconfig: string, options: SmokeTestOptions): Promise<SmokeTestResult>;
}

/** The planned add-ons that are enabled. */
export function enabledAddons(cluster: Cluster): AddonName[] {
  const { addons } = cluster.spec;
  return (['metallb', 'nfs', 'dashboard'] as const).filter((name) => addons[name].enabled);
}
