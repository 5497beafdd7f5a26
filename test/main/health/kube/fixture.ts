import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { DistributionName } from '../../../../common/cluster';
import { ClusterWorkspace } from '../../../../main/cluster';
import type { ClusterPki } from '../../../../main/pki';
import type { Secrets } from '../../../../main/secrets';
import { KubeApiServer } from '../../../support/kube-api-server';

/**
 * A cluster planned by Kubeflash's own workspace (CA, admin certificate, kubeconfig) whose
 * control-plane endpoint is `endpoint`; the kubeconfig is the one `kubeflash kubeconfig` prints.
 */
export interface PlannedCluster {
  dir: string;
  path: string;
  kubeconfig: string;
  pki: ClusterPki;
  secrets: Secrets;
  remove(): Promise<void>;
}

/** Cheap scrypt: the vault format is the same, only the cost is lower. */
const vault = { kdf: { N: 2 ** 10, r: 8, p: 1 } };

export async function planCluster(
  endpoint: string,
  options: { name?: string; distribution?: DistributionName } = {},
): Promise<PlannedCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeflash-kube-'));
  const path = join(dir, 'cluster.yaml');
  const prefix = endpoint.split('.').slice(0, 3).join('.');
  const workspace = new ClusterWorkspace({ vault });
  await workspace.create(
    path,
    {
      name: options.name ?? 'lab',
      distribution: options.distribution ?? 'k3s',
      controlPlanes: 1,
      workers: 0,
      subnet: `${prefix}.0/24`,
      gateway: `${prefix}.1`,
      dns: [`${prefix}.1`],
      firstIp: endpoint,
    },
    'correct horse battery staple',
  );
  const secrets = workspace.secrets(path);
  const { text } = await workspace.kubeconfig(path);
  return {
    dir,
    path,
    kubeconfig: text,
    pki: secrets.pki!,
    secrets,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A loopback address of its own per test file, so parallel runs do not meet on 6443. */
export function loopbackAddress(): string {
  const byte = () => 2 + Math.floor(Math.random() * 250);
  return `127.${byte()}.${byte()}.${byte()}`;
}

/** A planned cluster and the test API server listening at its endpoint on loopback. */
export async function clusterWithApiServer(
  options: { distribution?: DistributionName } = {},
): Promise<{ cluster: PlannedCluster; server: KubeApiServer; close(): Promise<void> }> {
  const endpoint = loopbackAddress();
  const cluster = await planCluster(endpoint, options);
  const server = await KubeApiServer.create({ pki: cluster.pki, host: endpoint, port: 6443 });
  return {
    cluster,
    server,
    close: async () => {
      await server.close();
      await cluster.remove();
    },
  };
}
