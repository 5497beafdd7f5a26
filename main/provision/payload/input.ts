import type { Cluster, ClusterNode } from '../../../common/cluster';
import type { Secrets } from '../../secrets';
import type { NodeBundle, OsFamily } from '../model';

/** Options that follow the image rather than the plan. */
export interface PayloadOptions {
  /**
   * The meta-data key style of the image (Ubuntu and Raspberry Pi OS ship `instance_id`).
   * cloud-init itself only reads `instance-id`, so that key is always written as well.
   */
  metaDataKey?: 'instance-id' | 'instance_id';
}

/** Everything a renderer needs to make one node's boot payload. */
export interface PayloadInput {
  cluster: Cluster;
  node: ClusterNode;
  secrets: Secrets;
  family: OsFamily;
  bundle: NodeBundle;
  flashedAt: Date;
  /** Fresh per flash, so a re-flashed card runs its first boot again. */
  instanceId: string;
  options?: PayloadOptions;
}
