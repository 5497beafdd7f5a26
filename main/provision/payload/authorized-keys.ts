import { type Cluster, parseAuthorizedKey } from '../../../common/cluster';
import type { Secrets } from '../../secrets';
import { payloadError } from './errors';

/**
 * The login keys for the plan's SSH user: the app's own key first (the app always needs to get
 * in to watch the node), then the plan's keys; each checked, normalised and listed once.
 */
export function authorizedKeys(cluster: Cluster, secrets: Secrets): string[] {
  const appKey = secrets.ssh?.user?.publicKey;
  if (!appKey) {
    throw payloadError(
      'The secrets hold no Kubeflash SSH key pair: generate one before flashing.',
      'ssh.user',
    );
  }
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const line of [appKey, ...cluster.spec.ssh.authorizedKeys]) {
    const key = parseAuthorizedKey(line);
    const identity = `${key.type} ${key.blob}`;
    if (seen.has(identity)) continue;
    seen.add(identity);
    lines.push(key.comment ? `${identity} ${key.comment}` : identity);
  }
  return lines;
}
