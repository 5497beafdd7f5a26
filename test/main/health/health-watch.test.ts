import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { emptyState, markFlashed } from '../../../common/cluster';
import type { HealthAlert, HealthView } from '../../../common/health-view';
import { loadState, projectPaths, savePlan, saveState } from '../../../main/cluster';
import { HealthWatch } from '../../../main/health';
import type { HealthWorkspace } from '../../../main/health/health-watch';
import { FakeSources, SecretsFixtureWorkspace } from './fake-sources';
import { bootstrap, hostnamesOf, kubeNode, observation, snapshot, testCluster } from './fixtures';

const cluster = testCluster(3);
const [cp, w1, w2, w3] = hostnamesOf(cluster) as [string, string, string, string];
const card = { device: '/dev/sdx', size: 1, serial: null };

let dir: string;
let path: string;
let sources: FakeSources;
let views: HealthView[];
let alerts: HealthAlert[];
let watch: HealthWatch | null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-health-'));
  path = join(dir, 'lab.yaml');
  await savePlan(path, cluster);
  let state = emptyState();
  for (const h of [cp, w1]) state = markFlashed(state, h, new Date('2026-01-01T09:00:00Z'), card);
  await saveState(projectPaths(path).state, state);
  sources = new FakeSources();
  views = [];
  alerts = [];
  watch = null;
});

afterEach(async () => {
  watch?.stop();
  await watch?.settled();
  await rm(dir, { recursive: true, force: true });
});

async function start(
  workspace: HealthWorkspace = new SecretsFixtureWorkspace(),
  refreshMs = 60_000,
) {
  watch = await HealthWatch.start({
    path,
    workspace,
    sources,
    onView: (v) => views.push(v),
    onAlert: (a) => alerts.push(a),
    refreshMs,
  });
  return watch;
}

const stageOf = (view: HealthView | undefined, hostname: string) =>
  view?.nodes.find((n) => n.hostname === hostname)?.stage;

describe('the health watch', () => {
  it('watches the flashed nodes and the API with the generated kubeconfig', async () => {
    const running = await start();
    expect(sources.watchedNodes).toEqual([[cp, w1]]);
    expect(sources.kubeconfigSeen[0]).toContain('# test kubeconfig');
    const view = running.view();
    expect(view.nodes.map((n) => [n.hostname, n.stage])).toEqual([
      [cp, 'flashed'],
      [w1, 'flashed'],
      [w2, 'planned'],
      [w3, 'planned'],
    ]);
    expect(view.api).toBe('unknown');
    expect(view.nodes[0]?.address).toBe('198.18.0.11');
  });

  it('walks a node through its stages as observations and snapshots arrive', async () => {
    await start();
    sources.observe(observation(cp, '2026-01-01T10:00:01Z', { ssh: 'unreachable' }));
    expect(stageOf(views.at(-1), cp)).toBe('reachable');
    sources.observe(observation(cp, '2026-01-01T10:00:02Z'));
    expect(stageOf(views.at(-1), cp)).toBe('ssh-up');
    const boot = bootstrap('distribution', '2026-01-01T10:00:03Z');
    sources.observe(observation(cp, '2026-01-01T10:00:04Z', { bootstrap: boot }));
    expect(stageOf(views.at(-1), cp)).toBe('bootstrapping');
    expect(views.at(-1)?.nodes[0]?.phase).toBe('distribution');
    sources.snapshot(
      snapshot('2026-01-01T10:01:00Z', [kubeNode(cp, 'False', '2026-01-01T10:00:59Z')]),
    );
    expect(stageOf(views.at(-1), cp)).toBe('joined');
    sources.snapshot(
      snapshot('2026-01-01T10:02:00Z', [kubeNode(cp, 'True', '2026-01-01T10:01:30Z')]),
    );
    expect(stageOf(views.at(-1), cp)).toBe('ready');
    expect(views.at(-1)?.nodes[0]?.kube?.kubeletVersion).toBe('v1.31.4+k3s1');
    expect(alerts).toEqual([]);
  });

  it('alerts when a node that was Ready goes NotReady, and on a host-key mismatch', async () => {
    await start();
    sources.snapshot(
      snapshot('2026-01-01T10:02:00Z', [kubeNode(cp, 'True', '2026-01-01T10:01:30Z')]),
    );
    sources.snapshot(
      snapshot('2026-01-01T10:09:00Z', [kubeNode(cp, 'Unknown', '2026-01-01T10:08:00Z')]),
    );
    expect(stageOf(views.at(-1), cp)).toBe('not-ready');
    expect(alerts).toMatchObject([{ hostname: cp, kind: 'not-ready' }]);
    expect(alerts[0]?.detail).toContain('Kubelet stopped posting');

    const presented = 'SHA256:AAAAintruderintruderintruderintruderintrude';
    sources.observe(
      observation(w1, '2026-01-01T10:10:00Z', {
        ssh: 'host-key-mismatch',
        presentedHostKey: presented,
      }),
    );
    expect(stageOf(views.at(-1), w1)).toBe('alarm');
    expect(alerts[1]).toMatchObject({ hostname: w1, kind: 'host-key-mismatch' });
    expect(alerts[1]?.detail).toContain(presented);
    // The same state again raises nothing new.
    sources.observe(
      observation(w1, '2026-01-01T10:10:05Z', {
        ssh: 'host-key-mismatch',
        presentedHostKey: presented,
      }),
    );
    expect(alerts).toHaveLength(2);
  });

  it('keeps the timeline in the state file, written only when something new happened', async () => {
    const running = await start();
    const statePath = projectPaths(path).state;
    await running.settled();
    const flashedRecorded = await loadState(statePath);
    expect(flashedRecorded.timeline?.nodes[cp]?.flashedAt).toBe('2026-01-01T09:00:00.000Z');

    const clock = { nodeTime: '2026-01-01T10:05:00Z', uptimeSeconds: 300 };
    const boot = bootstrap('distribution', '2026-01-01T10:03:00Z');
    sources.observe(observation(cp, '2026-01-01T10:05:00Z', { ...clock, bootstrap: boot }));
    await running.settled();
    const written = await stat(statePath);
    const emitted = views.length;
    for (let i = 1; i <= 5; i++) {
      const later = { nodeTime: `2026-01-01T10:05:0${i}Z`, uptimeSeconds: 300 + i };
      sources.observe(observation(cp, `2026-01-01T10:05:0${i}Z`, { ...later, bootstrap: boot }));
    }
    await running.settled();
    expect((await stat(statePath)).ino, 'the state file was not rewritten').toBe(written.ino);
    expect(views.length, 'no view was sent for probes that changed nothing').toBe(emitted);

    const planned = hostnamesOf(cluster);
    sources.snapshot(
      snapshot(
        '2026-01-01T10:08:00Z',
        planned.map((h) => kubeNode(h, 'True', '2026-01-01T10:07:42Z')),
      ),
    );
    await running.settled();
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    expect(state.nodes[cp].status).toBe('flashed');
    expect(state.timeline.readyAt).toBe('2026-01-01T10:07:42Z');
    expect(state.timeline.nodes[cp].poweredOnAt).toBe('2026-01-01T10:00:00.000Z');
    expect(views.at(-1)?.readyAfterSeconds).toBe(462);

    // A new watch (an app restart) starts from the stored timeline: same headline.
    running.stop();
    await running.settled();
    const restarted = await start();
    expect(restarted.view().readyAfterSeconds).toBe(462);
  });

  it('adds newly flashed nodes to the SSH watch when the state file changes', async () => {
    const workspace = new SecretsFixtureWorkspace();
    await start(workspace, 20);
    await workspace.recordFlash(path, w2, { ok: true, card });
    await expect.poll(() => sources.watchedNodes.at(-1)).toEqual([cp, w1, w2]);
    expect(sources.stoppedNodeWatches).toBe(1);
    await expect.poll(() => stageOf(views.at(-1), w2)).toBe('flashed');
  });

  it('asks for the status of the enabled add-ons while the API answers', async () => {
    const { addons } = cluster.spec;
    await savePlan(path, {
      ...cluster,
      spec: { ...cluster.spec, addons: { ...addons, metallb: { enabled: true } } },
    });
    watch = await HealthWatch.start({
      path,
      workspace: new SecretsFixtureWorkspace(),
      sources,
      onView: (v) => views.push(v),
      onAlert: (a) => alerts.push(a),
      addonsMs: 20,
    });
    sources.snapshot(snapshot('2026-01-01T10:00:00Z', []));
    await expect
      .poll(() => views.at(-1)?.addons)
      .toEqual([{ addon: 'metallb', state: 'ready', detail: 'all pods ready' }]);
  });

  it('refuses to start while the secrets are locked, saying what to do', async () => {
    const { ClusterWorkspace } = await import('../../../main/cluster');
    await expect(start(new ClusterWorkspace())).rejects.toThrow(/Unlock the secrets/);
    expect(sources.clusterWatches).toBe(0);
  });

  it('stops its watches and reports it is no longer watching', async () => {
    const running = await start();
    running.stop();
    expect(sources.stoppedNodeWatches).toBe(1);
    expect(views.at(-1)?.watching).toBe(false);
    expect(() => sources.snapshot(snapshot('2026-01-01T10:00:00Z', []))).toThrow(
      /no cluster watch/,
    );
  });
});
