import { parseDocument } from 'yaml';
import { z } from 'zod';

import type { Cluster } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { apiServerUrl } from '../../pki';
import { type NodeTarget, type SshCredentials } from './node-target';
import { defaultSshTimeouts, openSshSession, type SshTimeouts } from './ssh-session';

export type DistributionName = Cluster['spec']['distribution']['name'];

/** Where each distribution writes the admin kubeconfig on its first control-plane node. */
export const kubeconfigPaths: Record<DistributionName, string> = {
  k3s: '/etc/rancher/k3s/k3s.yaml',
  kubeadm: '/etc/kubernetes/admin.conf',
  k0s: '/var/lib/k0s/pki/admin.conf',
};

const MAX_KUBECONFIG_BYTES = 256 * 1024;

/** Just enough of a kubeconfig to know it is one; everything else is kept as the node wrote it. */
const KubeconfigShape = z.object({
  clusters: z
    .array(z.object({ name: z.string(), cluster: z.object({ server: z.string() }) }))
    .min(1),
  users: z.array(z.object({ name: z.string() })).min(1),
  contexts: z.array(z.object({ name: z.string() })).min(1),
});

export interface ApiEndpoint {
  host: string;
  port: number;
}

export interface FetchKubeconfigOptions {
  ssh?: SshTimeouts;
  open?: typeof openSshSession;
}

/**
 * Reads the admin kubeconfig the distribution wrote on the (init) control-plane node, over SSH
 * with the pinned host key; `sudo -n` when the plan's user is not root (the files are root's,
 * 0600). Returns it pointed at the plan's endpoint instead of the node's own view of itself.
 */
export async function fetchKubeconfigFromNode(
  target: NodeTarget,
  credentials: SshCredentials,
  distribution: DistributionName,
  endpoint: ApiEndpoint,
  options: FetchKubeconfigOptions = {},
): Promise<string> {
  const path = kubeconfigPaths[distribution];
  const open = options.open ?? openSshSession;
  const session = await open(target, credentials, options.ssh ?? defaultSshTimeouts);
  try {
    const result = await session.exec(readFileCommand(path, credentials.username), {
      maxOutputBytes: MAX_KUBECONFIG_BYTES,
    });
    if (result.code !== 0) throw readError(target.hostname, path, result.stderr, credentials);
    return pointKubeconfigAt(result.stdout, apiServerUrl(endpoint.host, endpoint.port), {
      hostname: target.hostname,
      path,
    });
  } finally {
    session.close();
  }
}

/** `cat` the file, through `sudo -n` (never prompting) for a user other than root. */
export function readFileCommand(path: string, username: string): string {
  const quoted = `'${path.replace(/'/g, `'\\''`)}'`;
  return username === 'root' ? `cat -- ${quoted}` : `sudo -n cat -- ${quoted}`;
}

function readError(
  hostname: string,
  path: string,
  stderr: string,
  credentials: SshCredentials,
): KubeflashError {
  const detail = stderr.trim().slice(0, 500);
  if (/No such file or directory/i.test(stderr)) {
    return new KubeflashError(
      'not-found',
      `${hostname} has no ${path} yet: the distribution has not finished initialising there (see the node's bootstrap log), or this is not the init node.`,
    );
  }
  if (/password is required|terminal is required|askpass/i.test(stderr)) {
    return new KubeflashError(
      'permission-denied',
      `On ${hostname}, user "${credentials.username}" needs a password for sudo, so ${path} cannot be read: allow passwordless sudo for that user (the Kubeflash card sets it up), or use the generated kubeconfig.`,
    );
  }
  if (/sudo: (command )?not found|sudo: not found/i.test(stderr)) {
    return new KubeflashError(
      'permission-denied',
      `${hostname} has no sudo, and ${path} is readable by root only: plan the SSH user as root, or install sudo on the node.`,
    );
  }
  if (/Permission denied/i.test(stderr)) {
    return new KubeflashError(
      'permission-denied',
      `On ${hostname}, user "${credentials.username}" may not read ${path}: ${detail}`,
    );
  }
  return new KubeflashError('unavailable', `Could not read ${path} on ${hostname}: ${detail}`);
}

/**
 * Points every cluster entry of a kubeconfig at `serverUrl` (k3s writes https://127.0.0.1:6443,
 * the node's view of itself). Refuses text that is not a kubeconfig.
 */
export function pointKubeconfigAt(
  text: string,
  serverUrl: string,
  source: { hostname: string; path: string } = { hostname: 'the node', path: 'the file' },
): string {
  const doc = parseDocument(text);
  const shape = KubeconfigShape.safeParse(doc.errors.length > 0 ? null : doc.toJS());
  if (!shape.success) {
    throw new KubeflashError(
      'invalid-file',
      `${source.path} on ${source.hostname} is not a kubeconfig (it needs clusters with a server, users and contexts): the distribution may still be writing it; try again in a minute.`,
    );
  }
  shape.data.clusters.forEach((_, index) =>
    doc.setIn(['clusters', index, 'cluster', 'server'], serverUrl),
  );
  return doc.toString();
}
