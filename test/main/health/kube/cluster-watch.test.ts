import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { ClusterSnapshot } from '../../../../common/health';
import { ClusterWatch, type ClusterWatchOptions, watchCluster } from '../../../../main/health/kube';
import { buildKubeconfig, clientCertificateAuthority } from '../../../../main/pki';
import { issueLeafCertificate } from '../../../../main/pki/issue-certificate';
import { peculiarX509 } from '../../../../main/pki/x509';
import type { KubeApiServer, LoggedRequest } from '../../../support/kube-api-server';
import { clusterWithApiServer, loopbackAddress, planCluster, type PlannedCluster } from './fixture';
import { waitUntil } from './wait';

let cluster: PlannedCluster;
let server: KubeApiServer;
let close: () => Promise<void>;
let watch: ClusterWatch | undefined;

beforeAll(async () => {
  ({ cluster, server, close } = await clusterWithApiServer());
  server.addNode('rpi-kube-cp-01', {
    role: 'control-plane',
    ready: true,
    internalIP: '198.18.0.2',
  });
  server.addNode('rpi-kube-worker-01', { ready: false, internalIP: '198.18.0.3' });
  server.addPod({
    namespace: 'kube-system',
    name: 'coredns-7b98449c4-x2kqp',
    node: 'rpi-kube-cp-01',
    phase: 'Running',
  });
  server.addWarningEvent({
    kind: 'Node',
    objectName: 'rpi-kube-worker-01',
    reason: 'NodeNotReady',
    message: 'Node rpi-kube-worker-01 status is now: NodeNotReady',
  });
});

afterAll(async () => {
  await close();
});

afterEach(async () => {
  await watch?.stop();
  watch = undefined;
});

/** Watches with a short backoff; no heartbeat unless a test asks (it would add list requests). */
function startWatch(kubeconfig: string, options: ClusterWatchOptions = {}) {
  const snapshots: ClusterSnapshot[] = [];
  watch = new ClusterWatch(kubeconfig, (s) => snapshots.push(s), {
    debounceMs: 20,
    backoff: { intervalMs: 50, maxDelayMs: 400 },
    heartbeatMs: 3_600_000,
    ...options,
  });
  watch.start();
  const latest = () => snapshots.at(-1);
  return {
    snapshots,
    until: (what: string, predicate: (s: ClusterSnapshot) => boolean) =>
      waitUntil(what, () => {
        const s = latest();
        return s && predicate(s) ? s : undefined;
      }),
  };
}

const nodeNamed = (s: ClusterSnapshot, name: string) => s.nodes.find((n) => n.name === name);
const nodeRequests = (from = 0): LoggedRequest[] =>
  server.requests.slice(from).filter((r) => r.path === '/api/v1/nodes');

describe('ClusterWatch with the generated kubeconfig', () => {
  it('shows nodes, kube-system pods and warnings, and follows nodes going Ready and NotReady', async () => {
    const { until } = startWatch(cluster.kubeconfig);
    const first = await until(
      'connected with two nodes',
      (s) => s.api === 'connected' && s.nodes.length === 2,
    );
    expect(ClusterSnapshot.parse(first)).toEqual(first); // what crosses to the UI is valid
    expect(nodeNamed(first, 'rpi-kube-cp-01')).toMatchObject({
      ready: 'True',
      roles: ['control-plane'],
      kubeletVersion: 'v1.31.4',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      architecture: 'arm64',
      internalIP: '198.18.0.2',
      unschedulable: false,
    });
    const worker = nodeNamed(first, 'rpi-kube-worker-01')!;
    expect(worker.ready).toBe('Unknown');
    expect(worker.roles).toEqual(['worker']);
    expect(worker.conditions.map((c) => c.type).sort()).toEqual([
      'DiskPressure',
      'MemoryPressure',
      'PIDPressure',
      'Ready',
    ]);
    expect(first.systemPods).toEqual([
      expect.objectContaining({
        name: 'coredns-7b98449c4-x2kqp',
        phase: 'Running',
        ready: true,
        node: 'rpi-kube-cp-01',
      }),
    ]);
    expect(first.warnings[0]).toMatchObject({
      object: 'Node/rpi-kube-worker-01',
      reason: 'NodeNotReady',
    });

    server.setNodeReady('rpi-kube-worker-01', true);
    await until('the worker Ready', (s) => nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'True');
    server.setNodeReady('rpi-kube-cp-01', false);
    const last = await until(
      'the control plane NotReady',
      (s) => nodeNamed(s, 'rpi-kube-cp-01')?.ready === 'Unknown',
    );
    expect(nodeNamed(last, 'rpi-kube-worker-01')?.ready).toBe('True');
    server.setNodeReady('rpi-kube-cp-01', true);
    await until(
      'the control plane Ready again',
      (s) => nodeNamed(s, 'rpi-kube-cp-01')?.ready === 'True',
    );
  });

  it('resumes a watch cut mid-stream from the last resourceVersion it saw, without listing again', async () => {
    const { until } = startWatch(cluster.kubeconfig);
    await until('connected', (s) => s.api === 'connected' && s.nodes.length === 2);
    server.setNodeReady('rpi-kube-worker-01', false);
    await until(
      'the worker NotReady',
      (s) => nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'Unknown',
    );
    const lastSeen = server.objects('nodes').find((n) => n.metadata.name === 'rpi-kube-worker-01')!
      .metadata.resourceVersion;
    await waitUntil('the nodes watch to be open again', () => server.watchCount >= 3 || undefined);
    const mark = server.requests.length;

    server.cutWatches();
    server.setNodeReady('rpi-kube-worker-01', true);
    await until(
      'the worker Ready after the cut',
      (s) => nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'True',
    );

    const after = nodeRequests(mark);
    expect(after.filter((r) => !r.watch)).toEqual([]);
    expect(after.filter((r) => r.watch)[0]?.query.resourceVersion).toBe(lastSeen);
  });

  it('resumes from a bookmark’s resourceVersion when the server sent one', async () => {
    const { until } = startWatch(cluster.kubeconfig);
    await until('connected', (s) => s.api === 'connected' && s.nodes.length === 2);
    await waitUntil('all three watches open', () => (server.watchCount >= 3 ? true : undefined));
    // Changes elsewhere move the server on; only a bookmark tells the nodes watch.
    server.addPod({ namespace: 'kube-system', name: 'kube-proxy-abcde', phase: 'Running' });
    await until('the new pod', (s) => s.systemPods.some((p) => p.name === 'kube-proxy-abcde'));
    const bookmark = server.resourceVersion;
    server.sendBookmarks();
    await waitUntil('the nodes watch to read the bookmark', () =>
      watch!.resourceVersions().nodes === bookmark ? true : undefined,
    );
    const mark = server.requests.length;
    server.cutWatches();
    await waitUntil('the nodes watch resumed', () =>
      nodeRequests(mark).find((r) => r.watch) ? true : undefined,
    );
    expect(nodeRequests(mark).find((r) => r.watch)?.query.resourceVersion).toBe(bookmark);
  });

  it.each(['event', 'http'] as const)(
    'lists again when the history it would resume from was compacted (410 Gone as %s)',
    async (goneAs) => {
      server.goneAs = goneAs;
      const { until } = startWatch(cluster.kubeconfig);
      await until('connected', (s) => s.api === 'connected' && s.nodes.length === 2);
      await waitUntil('all three watches open', () => server.watchCount >= 3 || undefined);
      const mark = server.requests.length;

      server.compact();
      server.cutWatches();
      server.addNode('rpi-kube-worker-02', { ready: true });
      await until('the new node', (s) => nodeNamed(s, 'rpi-kube-worker-02')?.ready === 'True');

      const after = nodeRequests(mark);
      const lists = after.filter((r) => !r.watch);
      expect(lists.length).toBeGreaterThanOrEqual(1);
      // The first attempt resumed (and got 410), then came a list, then a watch from the list.
      expect(after[0]).toMatchObject({ watch: true });
      expect(after.indexOf(lists[0]!)).toBeGreaterThan(0);
      server.removeNode('rpi-kube-worker-02');
      await until('the node gone', (s) => !nodeNamed(s, 'rpi-kube-worker-02'));
      server.goneAs = 'event';
    },
  );

  it('coalesces a burst of changes into fewer snapshots', async () => {
    const { until, snapshots } = startWatch(cluster.kubeconfig, { debounceMs: 100 });
    await until('connected', (s) => s.api === 'connected' && s.nodes.length === 2);
    const before = snapshots.length;
    for (let i = 0; i < 20; i++) server.setNodeReady('rpi-kube-worker-01', i % 2 === 0);
    server.setNodeReady('rpi-kube-worker-01', true);
    await until('the last state', (s) => nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'True');
    expect(snapshots.length - before).toBeLessThan(21);
  });

  it('reports the API unreachable while it is down, and recovers when it returns', async () => {
    const { until } = startWatch(cluster.kubeconfig, { heartbeatMs: 100, requestTimeoutMs: 2_000 });
    await until('connected', (s) => s.api === 'connected' && s.nodes.length === 2);

    await server.stop();
    const down = await until('unreachable', (s) => s.api === 'unreachable');
    expect(down.apiError).toMatch(/cannot be reached/);
    expect(down.nodes).toHaveLength(2); // the last known nodes stay, marked by the API state
    server.setNodeReady('rpi-kube-worker-01', false);

    await server.start();
    const back = await until(
      'connected with the change made while away',
      (s) => s.api === 'connected' && nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'Unknown',
    );
    expect(back.apiError).toBeNull();
    server.setNodeReady('rpi-kube-worker-01', true);
    await until('the worker Ready', (s) => nodeNamed(s, 'rpi-kube-worker-01')?.ready === 'True');
  });
});

describe('stopping', () => {
  it('closes every watch, and returns while the API is down', async () => {
    const snapshots: ClusterSnapshot[] = [];
    const stop = watchCluster(cluster.kubeconfig, (s) => snapshots.push(s), {
      debounceMs: 20,
      backoff: { intervalMs: 50, maxDelayMs: 400 },
    });
    await waitUntil('three watches open', () => (server.watchCount >= 3 ? true : undefined));
    stop();
    await waitUntil('every watch closed', () => (server.watchCount === 0 ? true : undefined));

    const down = new ClusterWatch(cluster.kubeconfig, () => {}, {
      backoff: { intervalMs: 50, maxDelayMs: 400 },
    });
    await server.stop();
    try {
      down.start();
      await down.stop();
      expect(down.snapshot().api).not.toBe('connected');
    } finally {
      await server.start();
    }
  });
});

describe('a client without the admin certificate', () => {
  const adminCluster = () => ({
    clusterName: 'lab',
    contextName: 'lab',
    server: server.url,
    certificateAuthorityPem: certificateAuthorityOf(cluster.kubeconfig),
  });

  it('is refused when its certificate comes from another cluster’s CA', async () => {
    const other = await planCluster(loopbackAddress(), { name: 'other' });
    try {
      const foreign = buildKubeconfig({
        ...adminCluster(),
        clientCertificatePem: other.secrets.admin!.certificatePem,
        clientKeyPem: other.secrets.admin!.privateKeyPem,
      });
      const { until } = startWatch(foreign);
      const refused = await until('unauthorized', (s) => s.api === 'unauthorized');
      expect(refused.apiError).toMatch(/refused the kubeconfig's credentials \(HTTP 401\)/);
      expect(refused.nodes).toEqual([]);
    } finally {
      await other.remove();
    }
  });

  it('is refused without any client certificate', async () => {
    const withoutCertificate = cluster.kubeconfig
      .split('\n')
      .filter((line) => !/client-(certificate|key)-data/.test(line))
      .join('\n')
      .replace(/user:\s*\n(\s*)contexts:/, 'user: {}\n$1contexts:');
    expect(withoutCertificate).not.toMatch(/client-key-data/);
    const { until } = startWatch(withoutCertificate);
    const refused = await until('unauthorized', (s) => s.api === 'unauthorized');
    expect(refused.apiError).toMatch(/refused the kubeconfig's credentials \(HTTP 401\)/);
    expect(refused.nodes).toEqual([]);
  });

  it('gets 403 with a certificate of the right CA outside system:masters', async () => {
    const viewer = await issueLeafCertificate(clientCertificateAuthority(cluster.pki), {
      subject: { commonName: 'viewer', organizations: ['system:authenticated'] },
      extendedKeyUsages: [peculiarX509().ExtendedKeyUsage.clientAuth],
      validityDays: 1,
      now: new Date(),
    });
    const kubeconfig = buildKubeconfig({
      ...adminCluster(),
      clientCertificatePem: viewer.certificatePem,
      clientKeyPem: viewer.privateKeyPem,
    });
    const { until } = startWatch(kubeconfig);
    const refused = await until('unauthorized', (s) => s.api === 'unauthorized');
    expect(refused.apiError).toMatch(/HTTP 403/);
  });
});

function certificateAuthorityOf(kubeconfig: string): string {
  const data = /certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1];
  if (!data) throw new Error('no certificate-authority-data in the kubeconfig');
  return Buffer.from(data, 'base64').toString('utf8');
}
