import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { KUBEADM_NODE_TOKEN_GROUP, mintBootstrapToken } from '../../../main/distro/kubeadm-token';
import type { KubeApiServer } from '../../support/kube-api-server';
import { clusterWithApiServer, type PlannedCluster } from '../health/kube/fixture';

let cluster: PlannedCluster;
let server: KubeApiServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ cluster, server, close } = await clusterWithApiServer({ distribution: 'kubeadm' }));
});

afterAll(async () => {
  await close();
});

function decoded(data: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
}

describe('mintBootstrapToken', () => {
  it('creates the bootstrap-token Secret kubeadm join authenticates with', async () => {
    const now = new Date('2027-03-01T10:20:30.456Z');
    const token = await mintBootstrapToken(cluster.kubeconfig, {
      ttlSeconds: 2 * 3600,
      description: 'kubeflash: rebuild of rpi-kube-worker-02',
      now,
    });
    expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const [id, secret] = token.split('.');

    const secrets = server.objects('secrets', 'kube-system');
    const minted = secrets.find((s) => s.metadata.name === `bootstrap-token-${id}`);
    expect(minted).toBeDefined();
    expect(minted!.type).toBe('bootstrap.kubernetes.io/token');
    expect(decoded(minted!.data)).toEqual({
      description: 'kubeflash: rebuild of rpi-kube-worker-02',
      'token-id': id,
      'token-secret': secret,
      expiration: '2027-03-01T12:20:30Z',
      'usage-bootstrap-authentication': 'true',
      'usage-bootstrap-signing': 'true',
      'auth-extra-groups': KUBEADM_NODE_TOKEN_GROUP,
    });
  });

  it('mints a different token each time', async () => {
    const options = { ttlSeconds: 3600, description: 'kubeflash rebuild' };
    const first = await mintBootstrapToken(cluster.kubeconfig, options);
    const second = await mintBootstrapToken(cluster.kubeconfig, options);
    expect(first).not.toBe(second);
  });

  it('refuses a TTL that is not a sane number of seconds, before calling the API', async () => {
    const before = server.requests.length;
    for (const ttlSeconds of [0, 1.5, -60, 365 * 24 * 3600]) {
      await expect(
        mintBootstrapToken(cluster.kubeconfig, { ttlSeconds, description: 'x' }),
      ).rejects.toThrow(/TTL must be whole seconds/);
    }
    expect(server.requests.length).toBe(before);
  });

  it('says so when the API cannot be reached', async () => {
    await server.stop();
    try {
      await expect(
        mintBootstrapToken(cluster.kubeconfig, { ttlSeconds: 3600, description: 'x' }),
      ).rejects.toThrow(/cannot be reached/);
    } finally {
      await server.start();
    }
  });
});
