import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { runSmokeTest, SMOKE_TEST_IMAGE, SMOKE_TEST_NAMESPACE } from '../../../../main/health/kube';
import type { KubeApiServer } from '../../../support/kube-api-server';
import { clusterWithApiServer, type PlannedCluster } from './fixture';

let cluster: PlannedCluster;
let server: KubeApiServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ cluster, server, close } = await clusterWithApiServer());
  server.addNode('rpi-kube-cp-01', { role: 'control-plane', ready: true });
  server.addNode('rpi-kube-worker-01', { ready: true, architecture: 'arm' });
  server.addNode('rpi-kube-worker-02', { ready: true });
  server.addNode('rpi-kube-worker-03', { ready: false });
});

afterAll(async () => {
  await close();
});

beforeEach(() => {
  server.daemonSetPodOutcome = () => ({ phase: 'Running' });
});

const deletions = () =>
  server.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/daemonsets/'));

function expectNoSmokeTestLeft() {
  expect(server.objects('daemonsets', SMOKE_TEST_NAMESPACE)).toEqual([]);
  expect(server.objects('pods', SMOKE_TEST_NAMESPACE)).toEqual([]);
}

describe('runSmokeTest', () => {
  it('passes when a pod runs on every schedulable node, control plane included, and deletes its DaemonSet', async () => {
    const progress: string[] = [];
    const before = deletions().length;
    const result = await runSmokeTest(cluster.kubeconfig, {
      timeoutMs: 20_000,
      pollMs: 20,
      onProgress: (m) => progress.push(m),
    });
    expect(result.error).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.image).toBe(SMOKE_TEST_IMAGE);
    expect(result.nodes).toEqual([
      { node: 'rpi-kube-cp-01', ok: true, podPhase: 'Running', message: null },
      { node: 'rpi-kube-worker-01', ok: true, podPhase: 'Running', message: null },
      { node: 'rpi-kube-worker-02', ok: true, podPhase: 'Running', message: null },
    ]);
    expect(progress).toContain('rpi-kube-worker-03 is skipped: it is not Ready');
    expect(progress.some((m) => m.startsWith('3/3 nodes'))).toBe(true);
    // It made its namespace, and its DaemonSet really was created with the image and deleted.
    expect(server.objects('namespaces').map((n) => n.metadata.name)).toContain(
      SMOKE_TEST_NAMESPACE,
    );
    const created = server.requests.filter(
      (r) =>
        r.method === 'POST' &&
        r.path === `/apis/apps/v1/namespaces/${SMOKE_TEST_NAMESPACE}/daemonsets`,
    );
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(deletions().length).toBe(before + 1);
    expectNoSmokeTestLeft();
  });

  it('fails with a per-node report when one node’s pod fails, and still deletes the DaemonSet', async () => {
    server.daemonSetPodOutcome = (node) =>
      node === 'rpi-kube-worker-01'
        ? { phase: 'Failed', reason: 'Error', message: 'exec format error' }
        : { phase: 'Running' };
    const before = deletions().length;
    const result = await runSmokeTest(cluster.kubeconfig, { timeoutMs: 20_000, pollMs: 20 });
    expect(result.passed).toBe(false);
    expect(result.error).toMatch(/failed on rpi-kube-worker-01/);
    const worker = result.nodes.find((n) => n.node === 'rpi-kube-worker-01');
    expect(worker).toEqual({
      node: 'rpi-kube-worker-01',
      ok: false,
      podPhase: 'Failed',
      message: 'Error: exec format error',
    });
    expect(deletions().length).toBe(before + 1);
    expectNoSmokeTestLeft();
  });

  it('times out when a pod stays Pending, names the node, and deletes the DaemonSet', async () => {
    server.daemonSetPodOutcome = (node) =>
      node === 'rpi-kube-worker-02'
        ? { phase: 'Pending', reason: 'ImagePullBackOff', message: 'Back-off pulling image' }
        : { phase: 'Running' };
    const before = deletions().length;
    const result = await runSmokeTest(cluster.kubeconfig, { timeoutMs: 1_500, pollMs: 20 });
    expect(result.passed).toBe(false);
    expect(result.error).toMatch(/timed out .*no running pod on rpi-kube-worker-02/);
    expect(result.nodes.find((n) => n.node === 'rpi-kube-worker-02')).toMatchObject({
      ok: false,
      podPhase: 'Pending',
      message: 'ImagePullBackOff: Back-off pulling image',
    });
    expect(result.nodes.filter((n) => n.ok)).toHaveLength(2);
    expect(deletions().length).toBe(before + 1);
    expectNoSmokeTestLeft();
  });

  it('stops when cancelled and deletes the DaemonSet', async () => {
    server.daemonSetPodOutcome = () => ({ phase: 'Pending' });
    const cancel = new AbortController();
    const before = deletions().length;
    const result = await runSmokeTest(cluster.kubeconfig, {
      timeoutMs: 20_000,
      pollMs: 20,
      signal: cancel.signal,
      onProgress: (m) => {
        if (m.startsWith('0/3')) cancel.abort();
      },
    });
    expect(result.passed).toBe(false);
    expect(result.error).toBe('The smoke test was cancelled');
    expect(deletions().length).toBe(before + 1);
    expectNoSmokeTestLeft();
  });

  it('reports an unreachable API as an error, not a pass', async () => {
    await server.stop();
    try {
      const result = await runSmokeTest(cluster.kubeconfig, { timeoutMs: 5_000, pollMs: 20 });
      expect(result.passed).toBe(false);
      expect(result.error).toMatch(/could not reach the API server at https:\/\/127\./);
    } finally {
      await server.start();
    }
  });
});
