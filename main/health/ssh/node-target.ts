import type { Cluster, Role } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { parseAuthorizedKey } from '../../pki';
import type { Secrets } from '../../secrets';

export const DEFAULT_SSH_PORT = 22;

/** One node as the SSH side reaches it: where, and which host keys it must present. */
export interface NodeTarget {
  hostname: string;
  /** The planned address; null when the plan has none (DHCP without a reservation). */
  address: string | null;
  role: Role;
  sshPort: number;
  /** The API server port to check by TCP on control planes; null for workers. */
  apiPort: number | null;
  /** authorized_keys-style lines of the host keys generated for this node (ed25519, RSA). */
  hostPublicKeys: readonly string[];
}

/** The app's own login on the nodes. Never logged. */
export interface SshCredentials {
  username: string;
  /** OpenSSH private key text. */
  privateKey: string;
}

export interface PlanTargets {
  targets: NodeTarget[];
  credentials: SshCredentials;
}

/**
 * Targets for every planned node and the credentials to log in, from the plan and its unlocked
 * secrets. Fails with what is missing: the app's SSH key, or a node's pinned host keys.
 */
export function nodeTargetsFromPlan(cluster: Cluster, secrets: Secrets): PlanTargets {
  const user = secrets.ssh?.user;
  if (!user) {
    throw new KubeflashError(
      'invalid-file',
      "The cluster's secrets hold no SSH key for the app: run `kubeflash ssh-key` or re-create the secrets.",
      'ssh.user',
    );
  }
  const apiPort = cluster.spec.controlPlane.port;
  const targets = cluster.spec.nodes.map((node): NodeTarget => {
    const keys = secrets.ssh?.hostKeys[node.hostname];
    if (!keys) {
      throw new KubeflashError(
        'invalid-file',
        `No pinned SSH host keys for node ${node.hostname} in the secrets: open the plan in the app once so they are generated, then re-flash the node.`,
        `ssh.hostKeys.${node.hostname}`,
      );
    }
    return {
      hostname: node.hostname,
      address: node.ip ?? null,
      role: node.role,
      sshPort: DEFAULT_SSH_PORT,
      apiPort: node.role === 'control-plane' ? apiPort : null,
      hostPublicKeys: [keys.ed25519.publicKey, keys.rsa.publicKey],
    };
  });
  return { targets, credentials: { username: cluster.spec.ssh.user, privateKey: user.privateKey } };
}

/** The key blobs (wire format) a target may present; a malformed pinned key is a plan error. */
export function pinnedKeyBlobs(target: NodeTarget): Buffer[] {
  if (target.hostPublicKeys.length === 0) {
    throw new KubeflashError(
      'invalid-request',
      `Node ${target.hostname} has no pinned host key: refusing to connect without one.`,
    );
  }
  return target.hostPublicKeys.map((line) => Buffer.from(parseAuthorizedKey(line).blob, 'base64'));
}

/** The target and credentials for one planned node; an unknown hostname is an error. */
export function nodeTargetFromPlan(
  cluster: Cluster,
  secrets: Secrets,
  hostname: string,
): { target: NodeTarget; credentials: SshCredentials } {
  const { targets, credentials } = nodeTargetsFromPlan(cluster, secrets);
  const target = targets.find((t) => t.hostname === hostname);
  if (!target) {
    throw new KubeflashError(
      'not-found',
      `There is no node "${hostname}" in the plan: pick one from the node table.`,
      'hostname',
    );
  }
  return { target, credentials };
}
