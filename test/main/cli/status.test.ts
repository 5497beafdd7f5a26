import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { emptyState, markFlashed } from '../../../common/cluster';
import type { HealthView } from '../../../common/health-view';
import { main } from '../../../main/cli';
import { runLogs } from '../../../main/cli/commands/logs-action';
import { runSmokeTest } from '../../../main/cli/commands/smoke-test-action';
import { runStatus } from '../../../main/cli/commands/status-action';
import { CliExit } from '../../../main/cli/exit';
import { projectPaths, savePlan, saveState } from '../../../main/cluster';
import { FakeSources, SecretsFixtureWorkspace } from '../health/fake-sources';
import {
  bootstrap,
  hostnamesOf,
  kubeNode,
  observation,
  snapshot,
  testCluster,
} from '../health/fixtures';

/*
 * The health commands' logic with the SSH and API sides faked (no connection leaves the
 * process); the real sides are exercised by test/e2e/health.test.ts.
 */

const cluster = testCluster(1);
const [cp, worker] = hostnamesOf(cluster) as [string, string];

let dir: string;
let path: string;
let sources: FakeSources;
let out: string[];
let err: string[];
const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-cli-status-'));
  path = join(dir, 'lab.yaml');
  await savePlan(path, cluster);
  let state = emptyState();
  for (const h of [cp, worker])
    state = markFlashed(state, h, new Date('2026-01-01T09:00:00Z'), {
      device: '/dev/sdx',
      size: 1,
      serial: null,
    });
  await saveState(projectPaths(path).state, state);
  sources = new FakeSources();
  out = [];
  err = [];
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function context(signal = new AbortController().signal) {
  return { workspace: new SecretsFixtureWorkspace(), sources, io, signal };
}

const ready = (at: string) =>
  snapshot(at, [kubeNode(cp, 'True', at), kubeNode(worker, 'True', at)]);

describe('kubeflash status', () => {
  it('waits for the first probes and the API, then prints the node table and the headline', async () => {
    const done = runStatus(path, { wait: 60 }, context());
    await expect.poll(() => sources.clusterWatches).toBe(1);
    const clock = { nodeTime: '2026-01-01T10:05:00Z', uptimeSeconds: 300 };
    const boot = bootstrap('done', '2026-01-01T10:04:00Z');
    sources.observe(observation(cp, '2026-01-01T10:05:00Z', { ...clock, bootstrap: boot }));
    sources.observe(observation(worker, '2026-01-01T10:05:00Z', { ...clock, bootstrap: boot }));
    expect(out, 'still waiting for the API').toEqual([]);
    sources.snapshot(ready('2026-01-01T10:07:42Z'));
    await done;
    const text = out.join('\n');
    expect(text).toMatch(/NODE\s+ROLE\s+STAGE\s+PHASE\s+SSH\s+READY\s+ROLES\s+KUBELET/);
    expect(text).toMatch(
      new RegExp(
        `${cp}\\s+control-plane\\s+ready\\s+-\\s+up\\s+True\\s+control-plane\\s+v1.31.4\\+k3s1`,
      ),
    );
    expect(text).toContain('API: connected');
    expect(text).toContain('cluster Ready 7 m 42 s after first power-on');
  });

  it('prints one JSON object per change with --watch --json, including NotReady, until stopped', async () => {
    const stop = new AbortController();
    const done = runStatus(path, { wait: 15, watch: true, json: true }, context(stop.signal));
    await expect.poll(() => sources.clusterWatches).toBe(1);
    sources.snapshot(ready('2026-01-01T10:07:42Z'));
    sources.snapshot(
      snapshot('2026-01-01T10:20:00Z', [
        kubeNode(cp, 'True', '2026-01-01T10:07:42Z'),
        kubeNode(worker, 'Unknown', '2026-01-01T10:19:00Z'),
      ]),
    );
    stop.abort();
    await done;
    const views = out.map((line) => JSON.parse(line) as HealthView);
    const stages = views.map((v) => v.nodes.map((n) => n.stage).join(','));
    expect(stages).toEqual(['flashed,flashed', 'ready,ready', 'ready,not-ready']);
    expect(err.join('\n')).toContain(`ALERT ${worker} not-ready`);
  });
});

describe('kubeflash logs', () => {
  it('prints the lines of the node log and ends with -f when the stream ends', async () => {
    sources.logLines = ['phase network', 'phase time'];
    const stop = new AbortController();
    const done = runLogs(path, worker, { follow: true }, context(stop.signal));
    await expect.poll(() => out.length).toBe(2);
    stop.abort();
    await done;
    expect(out).toEqual([`${worker}: phase network`, `${worker}: phase time`]);
  });

  it('names an unknown node', async () => {
    await expect(runLogs(path, 'nobody', {}, context())).rejects.toThrow(/No node named nobody/);
  });
});

describe('kubeflash smoke-test', () => {
  const result = (passed: boolean) => ({
    passed,
    startedAt: '2026-01-01T10:00:00Z',
    finishedAt: '2026-01-01T10:01:00Z',
    image: 'registry.k8s.io/pause:3.10',
    nodes: [
      { node: cp, ok: true, podPhase: 'Running', message: null },
      {
        node: worker,
        ok: passed,
        podPhase: passed ? 'Running' : 'Pending',
        message: passed ? null : 'ImagePullBackOff',
      },
    ],
    error: null,
  });

  it('reports per node and exits 0 when every node ran the pod', async () => {
    sources.smokeResult = result(true);
    await runSmokeTest(path, { timeout: 60 }, context());
    expect(out.join('\n')).toContain('smoke test passed on 2 node(s)');
    expect(err).toContain('applied DaemonSet kubeflash-smoke');
  });

  it('exits 1 and names the failing node when it fails', async () => {
    sources.smokeResult = result(false);
    const failure = await runSmokeTest(path, { timeout: 60, json: true }, context()).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CliExit);
    expect((failure as CliExit).code).toBe(1);
    const printed = JSON.parse(out[0] ?? '{}');
    expect(printed.nodes[1]).toMatchObject({
      node: worker,
      ok: false,
      message: 'ImagePullBackOff',
    });
  });
});

describe('the commands are registered', () => {
  it.each([['status'], ['logs'], ['smoke-test']])('%s has help', async (name) => {
    out = [];
    expect(await main(['node', 'kubeflash', name, '--help'], io)).toBe(0);
    expect(out.join('\n')).toContain(`Usage: kubeflash ${name}`);
  });

  it('refuses a nonsense --timeout', async () => {
    expect(await main(['node', 'kubeflash', 'smoke-test', '--timeout', 'soon'], io)).not.toBe(0);
    expect(err.join('\n')).toContain('whole number');
  });
});
