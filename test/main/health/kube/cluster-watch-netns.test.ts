import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, describe, expect, it } from 'vitest';

import type { ClusterSnapshot } from '../../../../common/health';
import { ClusterWatch } from '../../../../main/health/kube';
import { spawnKubeApiServer } from '../../../support/kube-api-server-process';
import { createTestNetwork, netnsPrerequisites, type TestNetwork } from '../../../support/netns';
import { hasCommand, requirePrerequisites } from '../../../support/prerequisites';
import { planCluster, type PlannedCluster } from './fixture';
import { waitUntil } from './wait';

const execFileAsync = promisify(execFile);

/*
 * The API server where the plan says it is: the test API server runs inside a network
 * namespace host, the plan's endpoint is that host's address, and the kubeconfig Kubeflash
 * generated for the plan is used unchanged — by ClusterWatch and by kubectl.
 */

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function apiServerInNamespace() {
  const network: TestNetwork = createTestNetwork(['rpi-kube-cp-01']);
  cleanups.push(() => network.cleanup());
  const host = network.host('rpi-kube-cp-01');
  const cluster: PlannedCluster = await planCluster(host.address);
  cleanups.push(() => cluster.remove());
  const server = await spawnKubeApiServer(network, host, cluster.pki);
  cleanups.push(() => server.close());
  return { network, host, cluster, server };
}

function watchSnapshots(watch: (onSnapshot: (s: ClusterSnapshot) => void) => ClusterWatch) {
  const snapshots: ClusterSnapshot[] = [];
  const clusterWatch = watch((s) => snapshots.push(s));
  cleanups.push(() => clusterWatch.stop());
  clusterWatch.start();
  return (what: string, predicate: (s: ClusterSnapshot) => boolean) =>
    waitUntil(
      what,
      () => {
        const s = snapshots.at(-1);
        return s && predicate(s) ? s : undefined;
      },
      30_000,
    );
}

describe('the cluster view against an API server at the plan endpoint in a network namespace', () => {
  it('follows nodes through the generated kubeconfig, as kubectl does', async (ctx) => {
    requirePrerequisites(ctx, [
      ...netnsPrerequisites(),
      [hasCommand('kubectl'), 'kubectl is not installed (package kubectl)'],
    ]);
    const { host, cluster, server } = await apiServerInNamespace();
    expect(cluster.kubeconfig).toContain(`server: https://${host.address}:6443`);
    expect(server.url).toBe(`https://${host.address}:6443`);
    await server.addNode('rpi-kube-cp-01', {
      role: 'control-plane',
      ready: true,
      internalIP: host.address,
    });
    await server.addNode('rpi-kube-worker-01', { ready: false });

    const until = watchSnapshots(
      (onSnapshot) =>
        new ClusterWatch(cluster.kubeconfig, onSnapshot, {
          debounceMs: 20,
          backoff: { intervalMs: 50, maxDelayMs: 500 },
        }),
    );
    const first = await until('both nodes', (s) => s.api === 'connected' && s.nodes.length === 2);
    expect(first.nodes.find((n) => n.name === 'rpi-kube-cp-01')).toMatchObject({
      ready: 'True',
      roles: ['control-plane'],
      internalIP: host.address,
    });
    await server.setNodeReady('rpi-kube-worker-01', true);
    await until(
      'the worker Ready',
      (s) => s.nodes.find((n) => n.name === 'rpi-kube-worker-01')?.ready === 'True',
    );

    const file = join(cluster.dir, 'admin.kubeconfig');
    await writeFile(file, cluster.kubeconfig, { mode: 0o600 });
    const { stdout } = await execFileAsync(
      'kubectl',
      ['--kubeconfig', file, '--request-timeout', '10s', 'get', 'nodes', '-o', 'json'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(JSON.parse(stdout).items).toHaveLength(2);
  });

  it('reports the API unreachable while its host is off the network, then resumes the watches', async (ctx) => {
    requirePrerequisites(ctx, netnsPrerequisites());
    const { network, host, cluster, server } = await apiServerInNamespace();
    await server.addNode('rpi-kube-cp-01', { role: 'control-plane', ready: true });

    const until = watchSnapshots(
      (onSnapshot) =>
        new ClusterWatch(cluster.kubeconfig, onSnapshot, {
          debounceMs: 20,
          backoff: { intervalMs: 50, maxDelayMs: 500 },
          heartbeatMs: 200,
          requestTimeoutMs: 1_000,
        }),
    );
    await until('connected', (s) => s.api === 'connected' && s.nodes.length === 1);

    // The VIP vanishes without a word: no reset, no FIN, packets simply go nowhere.
    network.setLinkUp(host, false);
    const down = await until('unreachable', (s) => s.api === 'unreachable');
    expect(down.apiError).toMatch(/cannot be reached/);
    await server.setNodeReady('rpi-kube-cp-01', false);

    network.setLinkUp(host, true);
    await until(
      'connected with the change made while away',
      (s) => s.api === 'connected' && s.nodes[0]?.ready === 'Unknown',
    );
    const watches = (await server.requests()).filter((r) => r.path === '/api/v1/nodes' && r.watch);
    expect(watches.length).toBeGreaterThanOrEqual(2);
  });
});
