import { createHmac } from 'node:crypto';

/** Where a k3s agent or server keeps the password it registers its node name with. */
export const k3sNodePasswordPath = '/etc/rancher/node/password';

/**
 * The node password, derived from the cluster's k3s secret and the hostname. k3s stores a
 * node's password in the cluster when it first joins and rejects a later join of the same name
 * with another password; a re-flashed card carries the same derived password, so a rebuilt
 * worker (which has no credentials to delete its old Node) is accepted.
 */
export function k3sNodePassword(k3sSecret: string, hostname: string): string {
  return createHmac('sha256', k3sSecret).update(`k3s-node-password:${hostname}`).digest('hex');
}
