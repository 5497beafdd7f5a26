import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

import type { Cluster } from '../../common/cluster';
import type { HealthView } from '../../common/health-view';
import { ClusterWorkspace, loadState, projectPaths, savePlan } from '../../main/cluster';
import type { Secrets } from '../../main/secrets';
import { launchChromium, systemChromium } from '../support/chromium';
import { kubeflash } from '../support/cli';
import { type RemoteKubeApiServer, spawnKubeApiServer } from '../support/kube-api-server-process';
import {
  createTestNetwork,
  netnsPrerequisites,
  planAddressing,
  type TestNetwork,
} from '../support/netns';
import { requirePrerequisites } from '../support/prerequisites';
import { type ServedApp, startServe } from '../support/serve';
import {
  type SshNodeHost,
  sshNodeHostPrerequisites,
  startSshNodeHost,
  testSshUser,
} from '../support/ssh-node-host';

const built = existsSync(fileURLToPath(new URL('../../out/main/cli.js', import.meta.url)));
const passphrase = 'correct horse battery staple';
const card = { device: '/dev/sdx', size: 1, serial: null };

/**
 * Flow 6 end to end: a 4-node cluster whose nodes are OpenSSH servers in network namespaces
 * (198.18.0.0/15, made by this test) with the plan's host keys, and a TLS test API server that
 * requires the plan's admin certificate, listening at the plan's endpoint inside the init
 * control plane's namespace, watched from `kubeflash serve` in a real browser. The
 * test advances each node (sshd up → bootstrap phase → joined → Ready → NotReady) and checks the
 * Health panel and `kubeflash status` follow; then restarts the server: the headline stays.
 */
describe('watching a 4-node cluster come up', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-health-e2e-'));
  const planPath = join(workDir, 'lab.yaml');
  let network: TestNetwork | null = null;
  let cluster: Cluster;
  let secrets: Secrets;
  const nodes = new Map<string, SshNodeHost>();
  let api: RemoteKubeApiServer | null = null;
  let served: ServedApp | null = null;
  let browser: Browser | null = null;
  let page: Page;
  let ready = false;

  const hostnames = () => cluster.spec.nodes.map((n) => n.hostname);
  const tile = (hostname: string) =>
    page.locator(`[data-testid=node-tile][data-hostname="${hostname}"]`);
  const stages = () =>
    page.$$eval('[data-testid=node-tile]', (tiles) =>
      tiles.map((t) => `${t.getAttribute('data-hostname')}=${t.getAttribute('data-stage')}`),
    );
  const allAt = (stage: string) => hostnames().map((h) => `${h}=${stage}`);

  function prerequisites(ctx: TestContext) {
    requirePrerequisites(ctx, [
      [built, 'the app is built (npm run build)'],
      [Boolean(systemChromium), 'Chromium is installed (apt-get install chromium)'],
      ...netnsPrerequisites(),
      ...sshNodeHostPrerequisites(),
    ]);
    expect(ready, 'the simulated cluster started').toBe(true);
  }

  async function openHealthPanel() {
    if (!served || !browser) throw new Error('no server');
    page = await browser.newPage();
    await page.goto(served.url);
    await page.getByTestId('open-path').fill(planPath);
    await page.getByTestId('open-cluster-form').locator('button[type=submit]').click();
    await page.getByTestId('plan-toolbar').waitFor();
    await page.click('[data-testid=nav-health]');
    const locked = page.getByTestId('health-locked');
    await locked.waitFor();
    await locked.getByTestId('unlock-passphrase').fill(passphrase);
    await locked.getByTestId('unlock').click();
    await page.getByTestId('node-grid').waitFor({ timeout: 20_000 });
  }

  async function cliStatus(): Promise<HealthView> {
    const result = await kubeflash(
      workDir,
      ['status', '--cluster', planPath, '--json', '--wait', '30'],
      { KUBEFLASH_PASSPHRASE: passphrase },
    );
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as HealthView;
  }

  beforeAll(async () => {
    const checks = [
      built,
      Boolean(systemChromium),
      ...[...netnsPrerequisites(), ...sshNodeHostPrerequisites()].map(([ok]) => ok),
    ];
    if (!checks.every(Boolean)) return;
    network = createTestNetwork();
    // Cheap scrypt for the test's own vault: serve and the CLI read the parameters from the file.
    const workspace = new ClusterWorkspace({ vault: { kdf: { N: 2 ** 10, r: 8, p: 1 } } });
    const view = await workspace.create(
      planPath,
      {
        name: 'lab',
        ...planAddressing(network),
        workers: 3,
      },
      passphrase,
    );
    // The plan addresses the namespace hosts; the nodes' login is the account running the test
    // sshd allows, and the API endpoint is the init control plane's own address, where the test
    // API server runs inside that node's namespace (the generated kubeconfig is used unchanged).
    const init = view.cluster.spec.nodes.find((n) => n.role === 'control-plane')!;
    cluster = {
      ...view.cluster,
      spec: {
        ...view.cluster.spec,
        ssh: { ...view.cluster.spec.ssh, user: testSshUser() },
        controlPlane: { ...view.cluster.spec.controlPlane, endpoint: init.ip! },
      },
    };
    await savePlan(planPath, cluster);
    secrets = workspace.secrets(planPath);
    for (const node of cluster.spec.nodes) {
      const host = network.addHost(node.hostname);
      expect(host.address).toBe(node.ip);
      // Every card written, as the Flash panel records it.
      await workspace.recordFlash(planPath, node.hostname, { ok: true, card });
    }
    for (const node of cluster.spec.nodes) {
      nodes.set(
        node.hostname,
        await startSshNodeHost({
          network,
          host: network.host(node.hostname),
          hostKeys: secrets.ssh!.hostKeys[node.hostname]!,
          authorizedKeys: [secrets.ssh!.user!.publicKey],
        }),
      );
    }
    api = await spawnKubeApiServer(
      network,
      network.host(init.hostname),
      secrets.pki!,
      cluster.spec.controlPlane.port,
    );
    expect(new URL(api.url).hostname).toBe(cluster.spec.controlPlane.endpoint);
    served = await startServe(['--config-dir', join(workDir, 'config')]);
    browser = await launchChromium();
    ready = true;
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    await api?.close();
    for (const node of nodes.values()) await node.stop();
    await network?.cleanup();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('shows every flashed node reaching SSH with its pinned host key', async (ctx) => {
    prerequisites(ctx);
    await openHealthPanel();
    await expect.poll(stages, { timeout: 60_000 }).toEqual(allAt('ssh-up'));
    expect(await page.getByTestId('health-headline').textContent()).toContain('0 of 4 nodes Ready');
  }, 120_000);

  it('follows the bootstrap phase and the live log of a node', async (ctx) => {
    prerequisites(ctx);
    const now = new Date().toISOString();
    for (const node of nodes.values()) {
      node.setStatus({
        phase: 'distribution',
        step: 'installing k3s',
        since: now,
        updated: now,
        lastError: null,
      });
    }
    await expect.poll(stages, { timeout: 60_000 }).toEqual(allAt('bootstrapping'));
    const [cp] = hostnames() as [string];
    await expect.poll(() => tile(cp).textContent()).toContain('distribution');

    await tile(cp).click();
    const drawer = page.getByTestId('node-drawer');
    await drawer.waitFor();
    nodes.get(cp)!.appendLog(`${now} phase distribution: k3s is starting`);
    await expect
      .poll(
        () =>
          drawer
            .getByTestId('node-log-lines')
            .textContent()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toContain('k3s is starting');
    await expect
      .poll(() => drawer.getByTestId('timeline-chart').getAttribute('aria-label'))
      .toBe('Timeline');
    expect(await drawer.locator('[data-mark=sshUp]').count()).toBe(1);
    await drawer.getByTestId('close-drawer').click();
  }, 120_000);

  it('shows nodes joining and going Ready from the API, then the headline', async (ctx) => {
    prerequisites(ctx);
    for (const node of cluster.spec.nodes)
      await api!.addNode(node.hostname, { role: node.role, ready: false });
    await expect.poll(stages, { timeout: 60_000 }).toEqual(allAt('joined'));
    for (const hostname of hostnames()) await api!.setNodeReady(hostname, true);
    await expect.poll(stages, { timeout: 60_000 }).toEqual(allAt('ready'));
    const headline = page.getByTestId('health-headline');
    await expect.poll(() => headline.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await headline.textContent()).toMatch(
      /^Cluster Ready (\d+ h )?(\d+ m )?\d+ s after first power-on$/,
    );
    expect(await page.getByTestId('cluster-node').count()).toBe(4);
  }, 120_000);

  it('alerts when a Ready node goes NotReady, on any panel, and in kubeflash status', async (ctx) => {
    prerequisites(ctx);
    const worker = hostnames()[2]!;
    // A second window shows the Health panel, then closes: the watch is the backend's, not the
    // window's, so it goes on for the first window.
    const other = await browser!.newPage();
    await other.goto(served!.url);
    await other.getByTestId('open-path').fill(planPath);
    await other.getByTestId('open-cluster-form').locator('button[type=submit]').click();
    await other.getByTestId('plan-toolbar').waitFor();
    await other.click('[data-testid=nav-health]');
    await other.getByTestId('node-grid').waitFor({ timeout: 20_000 });
    await other.close();
    // And this window leaves the Health panel: the alert must reach the Nodes panel.
    await page.click('[data-testid=nav-nodes]');
    await page.getByTestId('node-grid').waitFor({ state: 'detached' });
    // The watches are cut mid-stream first: the change must still arrive (resumed watch).
    await api!.cutWatches();
    await api!.setNodeReady(worker, false);
    const alert = page.getByTestId('health-alerts').locator('[data-kind=not-ready]');
    await expect
      .poll(() => alert.textContent().catch(() => ''), { timeout: 60_000 })
      .toContain(`${worker} is NotReady`);
    expect(new URL(page.url()).hash).toBe('#/nodes');
    await alert.getByRole('link').click();
    await expect
      .poll(() => tile(worker).getAttribute('data-stage'), { timeout: 20_000 })
      .toBe('not-ready');
    const notReady = await cliStatus();
    expect(notReady.nodes.find((n) => n.hostname === worker)?.stage).toBe('not-ready');
    expect(notReady.readyAfterSeconds).not.toBeNull();

    await api!.setNodeReady(worker, true);
    await expect
      .poll(() => tile(worker).getAttribute('data-stage'), { timeout: 60_000 })
      .toBe('ready');
    const again = await cliStatus();
    expect(again.nodes.map((n) => n.stage)).toEqual(['ready', 'ready', 'ready', 'ready']);
  }, 120_000);

  it('runs the smoke test from the panel and the CLI: passes, then fails on the node that cannot', async (ctx) => {
    prerequisites(ctx);
    const card = page.getByTestId('smoke-test');
    await card.getByTestId('run-smoke-test').click();
    const result = card.getByTestId('smoke-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-passed')).toBe('true');
    expect(await result.locator('tr[data-ok=true]').count()).toBe(4);

    const broken = hostnames()[3]!;
    await api!.setDaemonSetPodOutcomes({
      [broken]: { phase: 'Pending', reason: 'ImagePullBackOff', message: 'no arm64 variant' },
    });
    const failed = await kubeflash(
      workDir,
      ['smoke-test', '--cluster', planPath, '--json', '--timeout', '20'],
      { KUBEFLASH_PASSPHRASE: passphrase },
    );
    expect(failed.code, failed.stderr).toBe(1);
    const report = JSON.parse(failed.stdout) as {
      passed: boolean;
      nodes: { node: string; ok: boolean }[];
    };
    expect(report.passed).toBe(false);
    expect(report.nodes.filter((n) => !n.ok).map((n) => n.node)).toEqual([broken]);
    await api!.setDaemonSetPodOutcomes({});
  }, 120_000);

  it('keeps the timeline across a restart of the server: the same headline', async (ctx) => {
    prerequisites(ctx);
    const before = await page.getByTestId('health-headline').textContent();
    const stored = (await loadState(projectPaths(planPath).state)).timeline;
    expect(stored?.readyAt, 'the cluster Ready time is in the state file').toBeDefined();
    await page.close();
    await served!.stop();
    served = await startServe(['--config-dir', join(workDir, 'config')]);
    await openHealthPanel();
    const headline = page.getByTestId('health-headline');
    await expect.poll(() => headline.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await headline.textContent()).toBe(before);
    expect((await loadState(projectPaths(planPath).state)).timeline?.readyAt).toBe(stored?.readyAt);
  }, 120_000);

  it('raises an alarm when a node presents a host key other than the pinned one', async (ctx) => {
    prerequisites(ctx);
    const [cp, victim] = hostnames() as [string, string];
    // The hard case: the watch holds a session to the node (opened after the restart above)
    // when the node is replaced, so only a new connection can see the other key.
    const sessions = () => nodes.get(victim)!.sshdLog().split('Starting session:').length;
    const before = sessions();
    await expect.poll(sessions, { timeout: 30_000 }).toBeGreaterThan(before);
    await nodes.get(victim)!.stop();
    // The victim's address now answers with another node's host key: never accepted silently.
    nodes.set(
      victim,
      await startSshNodeHost({
        network: network!,
        host: network!.host(victim),
        hostKeys: secrets.ssh!.hostKeys[cp]!,
        authorizedKeys: [secrets.ssh!.user!.publicKey],
      }),
    );
    await expect
      .poll(() => tile(victim).getAttribute('data-stage'), { timeout: 60_000 })
      .toBe('alarm');
    const alert = page.getByTestId('health-alerts').locator('[data-kind=host-key-mismatch]');
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toContain(victim);
    await tile(victim).click();
    expect(await page.getByTestId('host-key-alarm').textContent()).toContain('SHA256:');
  }, 120_000);

  it('rebuild this node: marks it and takes the user to Flash with that node next', async (ctx) => {
    prerequisites(ctx);
    const [first, victim] = hostnames() as [string, string];
    // The plan's real login name again (the test's sshd needed root, which the rules refuse),
    // so the Flash panel has no plan error to show instead of the next card.
    await savePlan(planPath, {
      ...cluster,
      spec: { ...cluster.spec, ssh: { ...cluster.spec.ssh, user: 'pi' } },
    });
    // A node earlier in plan order is to be flashed again too (marked for rebuild elsewhere):
    // the card the user asked for must still come first.
    await new ClusterWorkspace().markForRebuild(planPath, first);
    const drawer = page.getByTestId('node-drawer');
    expect(await drawer.getAttribute('data-hostname')).toBe(victim);
    await drawer.getByTestId('health-rebuild').click();
    await expect.poll(() => sectionOf(page.url())).toBe('flash');
    const next = page.getByTestId('next-node');
    await next.waitFor({ timeout: 20_000 });
    expect(await next.getAttribute('data-hostname')).toBe(victim);
    const state = await loadState(projectPaths(planPath).state);
    expect(state.nodes[first]?.status).toBe('rebuild-pending');
    expect(state.nodes[victim]?.status).toBe('rebuild-pending');
  }, 120_000);
});

function sectionOf(url: string): string {
  return new URL(url).hash.replace(/^#\/?/, '').replace(/\?.*$/, '');
}
