import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { emptyState, markFlashed } from '../../../common/cluster';
import type { EventName, EventPayload } from '../../../common/contract';
import { projectPaths, savePlan, saveState } from '../../../main/cluster';
import { type HealthEvents, HealthService, maxLogStreams } from '../../../main/health';
import { createDispatcher, createHandlers, type Dispatch } from '../../../main/rpc';
import type { HandlerDeps } from '../../../main/rpc/handlers';
import { FakeSources, SecretsFixtureWorkspace } from './fake-sources';
import { hostnamesOf, kubeNode, snapshot, testCluster } from './fixtures';

const cluster = testCluster(1);
const [cp, worker] = hostnamesOf(cluster) as [string, string];

let dir: string;
let path: string;
let sources: FakeSources;
let service: HealthService;
let dispatch: Dispatch;
let emitted: { event: EventName; payload: unknown }[];
let id = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-health-rpc-'));
  path = join(dir, 'lab.yaml');
  await savePlan(path, cluster);
  const state = markFlashed(emptyState(), cp, new Date('2026-01-01T09:00:00Z'), {
    device: '/dev/sdx',
    size: 1,
    serial: null,
  });
  await saveState(projectPaths(path).state, state);
  sources = new FakeSources();
  emitted = [];
  const emit =
    <E extends EventName>(event: E) =>
    (payload: EventPayload<E>) =>
      emitted.push({ event, payload });
  const events: HealthEvents = {
    healthChanged: emit('healthChanged'),
    healthAlert: emit('healthAlert'),
    healthLog: emit('healthLog'),
    smokeTestProgress: emit('smokeTestProgress'),
  };
  const workspace = new SecretsFixtureWorkspace();
  service = new HealthService({ workspace, sources, events });
  // Only the health calls run here; the other dependencies are never touched.
  const deps = { workspace, health: service } as unknown as HandlerDeps;
  dispatch = createDispatcher(createHandlers(deps));
});

afterEach(async () => {
  service.stopAll();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, params: unknown) {
  const reply = await dispatch({ type: 'call', id: ++id, method, params });
  return reply;
}

async function value<T = never>(method: string, params: unknown): Promise<T> {
  const reply = await call(method, params);
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`);
  return reply.value as T;
}

describe('the health calls', () => {
  it('start one watch per cluster, serve its view and stop it', async () => {
    const view: { nodes: { stage: string }[] } = await value('startHealthWatch', { path });
    expect(view.nodes.map((n) => n.stage)).toEqual(['flashed', 'planned']);
    await value('startHealthWatch', { path });
    expect(sources.clusterWatches).toBe(1);

    sources.snapshot(
      snapshot('2026-01-01T10:00:00Z', [kubeNode(cp, 'True', '2026-01-01T09:59:00Z')]),
    );
    const changed = emitted.filter((e) => e.event === 'healthChanged').at(-1)?.payload as {
      nodes: { stage: string }[];
    };
    expect(changed.nodes[0]?.stage).toBe('ready');
    const current: { nodes: { stage: string }[] } = await value('healthView', { path });
    expect(current.nodes[0]?.stage).toBe('ready');

    expect(await value('stopHealthWatch', { path })).toEqual({ stopped: true });
    const gone = await call('healthView', { path });
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error).toMatchObject({ code: 'not-found' });
  });

  it('stop the watch when the secrets are locked', async () => {
    await value('startHealthWatch', { path });
    await value('lockSecrets', { path, forget: false });
    const gone = await call('healthView', { path });
    expect(gone.ok).toBe(false);
    expect(emitted.filter((e) => e.event === 'healthChanged').at(-1)?.payload).toMatchObject({
      watching: false,
    });
  });

  it('refuse a relative path and an unknown node before anything runs', async () => {
    const relative = await call('startHealthWatch', { path: 'lab.yaml' });
    expect(relative.ok).toBe(false);
    const unknown = await call('followNodeLog', { path, hostname: 'nobody' });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.message).toContain('No node named nobody');
    expect(sources.clusterWatches).toBe(0);
  });

  it('stream a node log as events until stopped, and bound the number of streams', async () => {
    sources.logLines = ['phase network', 'phase time'];
    const { streamId } = await value<{ streamId: string }>('followNodeLog', {
      path,
      hostname: worker,
    });
    await expect
      .poll(() => emitted.filter((e) => e.event === 'healthLog').length)
      .toBeGreaterThan(0);
    expect(emitted.find((e) => e.event === 'healthLog')?.payload).toMatchObject({
      streamId,
      hostname: worker,
      lines: [`${worker}: phase network`, `${worker}: phase time`],
      ended: false,
    });
    expect(await value('stopNodeLog', { streamId })).toEqual({ stopped: true });
    await expect
      .poll(() =>
        emitted.some((e) => e.event === 'healthLog' && (e.payload as { ended: boolean }).ended),
      )
      .toBe(true);

    for (let i = 0; i < maxLogStreams; i++) await value('followNodeLog', { path, hostname: cp });
    const refused = await call('followNodeLog', { path, hostname: cp });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('close one first');
  });

  it('run the smoke test with the generated kubeconfig and pass its progress on', async () => {
    sources.smokeResult = {
      passed: false,
      startedAt: '2026-01-01T10:00:00Z',
      finishedAt: '2026-01-01T10:01:00Z',
      image: 'registry.k8s.io/pause:3.10',
      nodes: [
        { node: cp, ok: true, podPhase: 'Running', message: null },
        { node: worker, ok: false, podPhase: 'Pending', message: 'ImagePullBackOff' },
      ],
      error: null,
    };
    const result: { passed: boolean } = await value('runSmokeTest', { path, timeoutSeconds: 60 });
    expect(result.passed).toBe(false);
    expect(sources.kubeconfigSeen.at(-1)).toContain('# test kubeconfig');
    expect(emitted).toContainEqual({
      event: 'smokeTestProgress',
      payload: { path, message: 'applied DaemonSet kubeflash-smoke' },
    });
  });

  it('fetch the kubeconfig from the init node and save it 0600', async () => {
    sources.fetched = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: default',
      '  cluster: {server: "https://198.18.0.11:6443", certificate-authority-data: QUJD}',
      'contexts:',
      '- name: default',
      '  context: {cluster: default, user: default}',
      'current-context: default',
      'users:',
      '- name: default',
      '  user: {client-certificate-data: QUJD, client-key-data: QUJD}',
      '',
    ].join('\n');
    const file = join(dir, 'fetched.kubeconfig');
    const written: { path: string; contextName: string } = await value('fetchKubeconfigFromNode', {
      path,
      destination: { kind: 'file', file },
    });
    expect(written).toMatchObject({ path: file, contextName: 'lab' });
    expect(sources.fetchedFrom).toEqual([cp]);
    expect(await readFile(file, 'utf8')).toBe(sources.fetched);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});
