import type { Cluster, ClusterNode } from '../../common/cluster';
import type { Secrets } from '../secrets';
import { nodeBundle } from './bundle';
import { type DetectedOs, detectOs } from './detect';
import { type DiskTarget, readBootFiles, withDisk } from './disk';
import type { BootPayload, OsFamily } from './model';
import { newInstanceId, type PayloadOptions, renderPayload } from './payload';

export interface NodePayloadRequest {
  cluster: Cluster;
  node: ClusterNode;
  secrets: Secrets;
  flashedAt: Date;
}

/** One node's boot payload for a given OS family: bundle, then the family's format. */
export async function buildNodePayload(
  request: NodePayloadRequest & { family: OsFamily; options?: PayloadOptions },
): Promise<BootPayload> {
  const { cluster, node, secrets, flashedAt, family } = request;
  return renderPayload({
    cluster,
    node,
    secrets,
    family,
    bundle: nodeBundle(cluster, node, secrets, flashedAt),
    flashedAt,
    instanceId: newInstanceId(node.hostname, flashedAt),
    options: request.options,
  });
}

/** What a payload depends on in an image: its OS, and how the image's own files spell things. */
export interface ImageProfile {
  detected: DetectedOs;
  options: PayloadOptions;
}

/** Reads an image's (or card's) profile; needs no secrets, so it can run while they unlock. */
export async function profileTarget(target: DiskTarget): Promise<ImageProfile> {
  const detected = await detectOs(target);
  const options: PayloadOptions =
    detected.format === 'cloud-init'
      ? { metaDataKey: await metaDataKeyStyle(target, detected) }
      : {};
  return { detected, options };
}

/** The payload for the OS that is actually on the image or card (never decided by file name). */
export async function payloadForTarget(
  target: DiskTarget,
  request: NodePayloadRequest,
): Promise<{ detected: DetectedOs; payload: BootPayload }> {
  const { detected, options } = await profileTarget(target);
  const payload = await buildNodePayload({ ...request, family: detected.family, options });
  return { detected, payload };
}

/** Keep the image's own meta-data key spelling (Ubuntu and Raspberry Pi OS write instance_id). */
async function metaDataKeyStyle(
  target: DiskTarget,
  detected: DetectedOs,
): Promise<'instance-id' | 'instance_id'> {
  const content = await withDisk(target, { write: false }, async (disk) =>
    (await readBootFiles(disk, detected.bootPartition, ['meta-data'])).get('meta-data'),
  );
  return content && /^\s*instance_id\s*:/m.test(content.toString('utf8'))
    ? 'instance_id'
    : 'instance-id';
}
