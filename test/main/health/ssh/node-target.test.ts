import { createServer } from 'node:net';

import { beforeAll, describe, expect, it } from 'vitest';

import { type Cluster, createCluster } from '../../../../common/cluster';
import { generateClusterSecrets } from '../../../../main/cluster';
import { nodeTargetFromPlan, nodeTargetsFromPlan, probeNode } from '../../../../main/health/ssh';
import type { Secrets } from '../../../../main/secrets';

describe('node targets from the plan', () => {
  let cluster: Cluster;
  let secrets: Secrets;

  beforeAll(async () => {
    // Addresses from 198.18.0.0/15: nothing here is ever contacted except loopback.
    cluster = createCluster({
      name: 'targets',
      subnet: '198.18.200.0/24',
      gateway: '198.18.200.1',
      firstIp: '198.18.200.11',
      controlPlanes: 1,
      workers: 1,
      sshUser: 'pi',
    });
    secrets = await generateClusterSecrets(cluster);
  }, 60_000);

  it('pins both generated host keys and checks the API port on control planes only', () => {
    const { targets, credentials } = nodeTargetsFromPlan(cluster, secrets);
    expect(credentials).toEqual({ username: 'pi', privateKey: secrets.ssh!.user!.privateKey });
    expect(targets).toEqual([
      {
        hostname: 'rpi-kube-cp-01',
        address: '198.18.200.11',
        role: 'control-plane',
        sshPort: 22,
        apiPort: 6443,
        hostPublicKeys: [
          secrets.ssh!.hostKeys['rpi-kube-cp-01']!.ed25519.publicKey,
          secrets.ssh!.hostKeys['rpi-kube-cp-01']!.rsa.publicKey,
        ],
      },
      expect.objectContaining({ hostname: 'rpi-kube-worker-01', role: 'worker', apiPort: null }),
    ]);
    expect(nodeTargetFromPlan(cluster, secrets, 'rpi-kube-worker-01').target.address).toBe(
      '198.18.200.12',
    );
  });

  it('says what is missing', () => {
    expect(() => nodeTargetFromPlan(cluster, secrets, 'ghost')).toThrow(
      /no node "ghost" in the plan/,
    );
    expect(() => nodeTargetsFromPlan(cluster, { ...secrets, ssh: { hostKeys: {} } })).toThrow(
      /no SSH key for the app/,
    );
    const { 'rpi-kube-worker-01': _dropped, ...someKeys } = secrets.ssh!.hostKeys;
    expect(() =>
      nodeTargetsFromPlan(cluster, { ...secrets, ssh: { ...secrets.ssh!, hostKeys: someKeys } }),
    ).toThrow(/No pinned SSH host keys for node rpi-kube-worker-01/);
  });

  it('never connects without a pinned key', async () => {
    // A listener on loopback stands in for the node: TCP answers, SSH must not be attempted.
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const { target, credentials } = nodeTargetFromPlan(cluster, secrets, 'rpi-kube-worker-01');
      const observation = await probeNode(
        { ...target, address: '127.0.0.1', sshPort: port, hostPublicKeys: [] },
        credentials,
      );
      expect(observation).toMatchObject({ ssh: 'unknown', tcp: { ssh: true } });
      expect(observation.error).toMatch(/no pinned host key: refusing to connect/);
      expect(connections).toBe(1); // the TCP check only
    } finally {
      server.close();
    }
  });
});
