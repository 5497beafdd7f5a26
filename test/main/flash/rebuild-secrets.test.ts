import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import type { DistributionName } from '../../../common/cluster';
import { ClusterWorkspace, loadPlan, tokenNames } from '../../../main/cluster';
import { distributionFiles, distroPaths } from '../../../main/distro/config';
import { secretsForCard } from '../../../main/flash/rebuild-secrets';
import { KubeApiServer } from '../../support/kube-api-server';
import { loopbackAddress } from '../health/kube/fixture';

const vault = { kdf: { N: 2 ** 10, r: 8, p: 1 } };
const worker = 'rpi-kube-worker-01';

let dir: string;
let server: KubeApiServer;
let endpoint: string;

let planCount = 0;

async function planned(distribution: DistributionName) {
  const workspace = new ClusterWorkspace({ vault });
  const path = join(dir, `${distribution}-${++planCount}.yaml`);
  const prefix = endpoint.split('.').slice(0, 3).join('.');
  await workspace.create(
    path,
    {
      name: distribution,
      distribution,
      controlPlanes: 1,
      workers: 1,
      subnet: `${prefix}.0/24`,
      gateway: `${prefix}.1`,
      dns: [`${prefix}.1`],
      firstIp: endpoint,
    },
    'correct horse battery staple',
  );
  return { workspace, path, cluster: await loadPlan(path) };
}

function joinToken(files: { path: string; content: string }[]): string {
  const join = files.find((f) => f.path === distroPaths.kubeadmJoin);
  type JoinConfiguration = { kind: string; discovery: { bootstrapToken: { token: string } } };
  const documents = join!.content.split(/^---$/m).map((d) => parse(d) as JoinConfiguration);
  return documents.find((d) => d.kind === 'JoinConfiguration')!.discovery.bootstrapToken.token;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-rebuild-'));
  endpoint = loopbackAddress();
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('secretsForCard', () => {
  it("gives a kubeadm node being rebuilt a fresh token minted through the cluster's API", async () => {
    const { workspace, path, cluster } = await planned('kubeadm');
    const planToken = workspace.secrets(path).tokens![tokenNames.kubeadmBootstrap]!;
    server = await KubeApiServer.create({
      pki: workspace.secrets(path).pki!,
      host: endpoint,
      port: 6443,
    });

    // Not being rebuilt: the plan's own token, no API call.
    const first = await secretsForCard(workspace, path, cluster, worker);
    expect(first).toBe(workspace.secrets(path));

    await workspace.markForRebuild(path, worker);
    const rebuilt = await secretsForCard(workspace, path, cluster, worker);
    const fresh = rebuilt.tokens![tokenNames.kubeadmBootstrap]!;
    expect(fresh).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(fresh).not.toBe(planToken);
    const [id] = fresh.split('.');
    const minted = server
      .objects('secrets', 'kube-system')
      .find((s) => s.metadata.name === `bootstrap-token-${id}`);
    expect(minted?.type).toBe('bootstrap.kubernetes.io/token');

    // The card's JoinConfiguration carries the fresh token; the plan's secrets are unchanged.
    const node = cluster.spec.nodes.find((n) => n.hostname === worker)!;
    expect(joinToken(distributionFiles(cluster, node, rebuilt))).toBe(fresh);
    expect(workspace.secrets(path).tokens![tokenNames.kubeadmBootstrap]).toBe(planToken);
  });

  it('refuses to write a kubeadm rebuild card while the API does not answer', async () => {
    await server.close();
    const { workspace, path, cluster } = await planned('kubeadm');
    await workspace.markForRebuild(path, worker);
    await expect(secretsForCard(workspace, path, cluster, worker)).rejects.toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining(
        `needs a fresh kubeadm join token from the cluster's API at ${endpoint}:6443`,
      ),
    });
  });

  it('leaves other distributions alone: their join credentials do not expire', async () => {
    const { workspace, path, cluster } = await planned('k3s');
    await workspace.markForRebuild(path, worker);
    const mint = () => Promise.reject(new Error('must not be called'));
    expect(await secretsForCard(workspace, path, cluster, worker, mint)).toBe(
      workspace.secrets(path),
    );
  });
});
