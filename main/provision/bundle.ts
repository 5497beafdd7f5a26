import type { Cluster, ClusterNode } from '../../common/cluster';
import { KubeflashError } from '../../common/errors';
import { tokenNames } from '../cluster/cluster-secrets';
import {
  distributionFiles,
  distributionScript,
  distributionScriptPath,
  k3sNodePassword,
  k3sNodePasswordPath,
  nodeEnv,
  nodeEnvPath,
  withBootstrapLibrary,
} from '../distro';
import { clusterPkiFiles } from '../pki';
import type { Secrets } from '../secrets';
import { kubeflashDirs, type NodeBundle, type NodeFile } from './model';
import bootstrapEntry from './scripts/bootstrap-entry.sh?raw';

export const bootstrapEntryPath = `${kubeflashDirs.lib}/bootstrap.sh`;

/**
 * What a node needs besides its OS settings: its configuration (no secrets), the flash time for
 * the time gate, its role's CA material and tokens, the bootstrap entry script and the
 * distribution script with its node facts (node.env). Workers get CA certificates only, never
 * CA keys.
 */
export function nodeBundle(
  cluster: Cluster,
  node: ClusterNode,
  secrets: Secrets,
  flashedAt: Date,
): NodeBundle {
  if (!secrets.pki)
    throw new KubeflashError(
      'invalid-file',
      'The secrets hold no cluster CA: unlock the right secrets file',
    );
  const controlPlane = node.role === 'control-plane';
  const pki: NodeFile[] = clusterPkiFiles(secrets.pki)
    .filter((file) => controlPlane || file.mode !== 0o600)
    .map((file) => ({
      path: file.path,
      content: file.contents,
      mode: file.mode,
      secret: file.mode === 0o600,
    }));
  const tokens: NodeFile[] = Object.entries(secrets.tokens ?? {}).map(([name, value]) => ({
    path: `${kubeflashDirs.etc}/tokens/${name}`,
    content: `${value}\n`,
    mode: 0o600,
    secret: true,
  }));
  const files: NodeFile[] = [
    {
      path: `${kubeflashDirs.etc}/node.json`,
      content: `${JSON.stringify(nodeConfig(cluster, node, flashedAt), null, 2)}\n`,
      mode: 0o644,
      secret: false,
    },
    // Seconds since the epoch: the air-gapped time gate compares it with `date +%s`.
    {
      path: `${kubeflashDirs.etc}/flash-time`,
      content: `${Math.floor(flashedAt.getTime() / 1000)}\n`,
      mode: 0o644,
      secret: false,
    },
    {
      path: bootstrapEntryPath,
      content: withBootstrapLibrary(bootstrapEntry),
      mode: 0o755,
      secret: false,
    },
    {
      path: distributionScriptPath,
      content: distributionScript(cluster.spec.distribution.name),
      mode: 0o755,
      secret: false,
    },
    { path: nodeEnvPath, content: nodeEnv(cluster, node), mode: 0o644, secret: false },
    ...pki,
    ...tokens,
    ...k3sNodePasswordFile(cluster, node, secrets),
    ...distributionFiles(cluster, node, secrets),
  ];
  return { files, entryPoint: bootstrapEntryPath };
}

/** k3s only: the node password a rebuilt card presents again (see k3s-node-password.ts). */
function k3sNodePasswordFile(cluster: Cluster, node: ClusterNode, secrets: Secrets): NodeFile[] {
  const secret = secrets.tokens?.[tokenNames.k3sSecret];
  if (cluster.spec.distribution.name !== 'k3s' || !secret) return [];
  const content = `${k3sNodePassword(secret, node.hostname)}\n`;
  return [{ path: k3sNodePasswordPath, content, mode: 0o600, secret: true }];
}

/** The node's view of the plan, read by the bootstrap; secrets are separate files. */
export function nodeConfig(cluster: Cluster, node: ClusterNode, flashedAt: Date) {
  const { spec } = cluster;
  return {
    cluster: cluster.metadata.name,
    hostname: node.hostname,
    role: node.role,
    init: node.init === true,
    distribution: spec.distribution,
    endpoint: { host: spec.controlPlane.endpoint, port: spec.controlPlane.port },
    virtualIP: spec.controlPlane.virtualIP ?? null,
    address: node.ip ?? null,
    network: {
      interface: spec.network.interface,
      podCIDR: spec.network.podCIDR,
      serviceCIDR: spec.network.serviceCIDR,
      cni: spec.network.cni,
      flannelBackend: spec.network.flannelBackend,
    },
    controlPlanes: spec.nodes
      .filter((n) => n.role === 'control-plane')
      .map((n) => ({ hostname: n.hostname, address: n.ip ?? null })),
    addons: spec.addons,
    flashedAt: flashedAt.toISOString(),
  };
}
