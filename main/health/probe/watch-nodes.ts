import type { Cluster } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import type { NodeObservation } from '../../../common/health';
import type { Secrets } from '../../secrets';
import { nodeTargetsFromPlan } from '../ssh';
import { ProbeScheduler, type ProbeSchedulerOptions } from './probe-scheduler';

export type WatchNodesOptions = Omit<ProbeSchedulerOptions, 'credentials' | 'onObservation'>;

/**
 * Probes the named nodes of a plan until the returned function is called (the SSH half of
 * HealthSources.watchNodes). Unknown hostnames are an error, not silently skipped.
 */
export function watchNodes(
  cluster: Cluster,
  secrets: Secrets,
  hostnames: readonly string[],
  onObservation: (observation: NodeObservation) => void,
  options: WatchNodesOptions = {},
): () => void {
  const { targets, credentials } = nodeTargetsFromPlan(cluster, secrets);
  const unknown = hostnames.filter((h) => !targets.some((t) => t.hostname === h));
  if (unknown.length > 0) {
    throw new KubeflashError(
      'invalid-request',
      `Not in the plan: ${unknown.join(', ')}. Watch only nodes of the node table.`,
    );
  }
  const scheduler = new ProbeScheduler({ ...options, credentials, onObservation });
  scheduler.setTargets(targets.filter((t) => hostnames.includes(t.hostname)));
  return () => scheduler.stop();
}
