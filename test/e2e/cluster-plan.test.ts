import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { launchChromium } from '../support/chromium';
import { hasCommand, requirePrerequisite } from '../support/prerequisites';
import { type ServedApp, startServe } from '../support/serve';

interface PlanNode {
  hostname: string;
  role: string;
  ip?: string;
}

interface KubeconfigView {
  clusters: { name: string; cluster: { server: string } }[];
  contexts: { name: string }[];
}

/**
 * Flow 1 (plan) and flow 5 (access) through the UI in a real browser against `kubeflash serve`:
 * create a cluster, bulk-add and edit nodes with live validation, save, reload, lock and unlock
 * the secrets, write the kubeconfig, and read the Nodes table in Chinese. The plan's addresses
 * are data only: nothing here talks to them.
 */
describe('cluster plan end to end', () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-plan-e2e-'));
  const planPath = join(workDir, 'lab.yaml');
  const passphrase = 'correct horse battery staple';
  const vip = '192.168.1.100';

  const plannedNodes = (): PlanNode[] =>
    (parse(readFileSync(planPath, 'utf8')) as { spec: { nodes: PlanNode[] } }).spec.nodes;
  const ipInput = (hostname: string): Locator => page.getByLabel(`IP address of ${hostname}`);
  const issuesOf = (hostname: string): Locator =>
    page.locator(`[data-testid=node-issues][data-hostname="${hostname}"]`);

  beforeAll(async () => {
    served = await startServe(['--config-dir', join(workDir, 'config')]);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(served.url);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('points from an empty Nodes section to the Cluster section', async () => {
    await page.click('[data-testid=nav-nodes]');
    await expect.poll(() => page.getByTestId('empty-state').textContent()).toContain('No cluster');
    await page.click('[data-testid=go-to-cluster]');
    await page.getByTestId('new-cluster-form').waitFor();
  });

  it('creates a cluster with 3 control planes behind a VIP and 2 workers', async () => {
    const form = page.getByTestId('new-cluster-form');
    await form.getByLabel('Cluster name').fill('lab');
    await page.getByTestId('new-control-planes').getByLabel('3').check();
    await form.getByLabel('Virtual IP').fill(vip);
    await form.getByLabel('Workers').fill('2');
    await form.getByLabel('Save the cluster file as').fill(planPath);
    await form.getByLabel('Secrets passphrase').fill(passphrase);
    await form.getByLabel('Passphrase again').fill('not the same');
    await page.click('[data-testid=create-cluster]');
    await expect.poll(() => form.textContent()).toContain('The two passphrases differ');
    expect(existsSync(planPath)).toBe(false);

    await form.getByLabel('Passphrase again').fill(passphrase);
    await page.click('[data-testid=create-cluster]');
    await page.getByTestId('plan-settings').waitFor({ timeout: 30_000 });

    expect(existsSync(planPath)).toBe(true);
    expect(existsSync(join(workDir, 'lab.secrets'))).toBe(true);
    expect(existsSync(join(workDir, 'lab.state.json'))).toBe(true);
    expect(plannedNodes().map((n) => `${n.hostname} ${n.role} ${n.ip}`)).toEqual([
      'rpi-kube-cp-01 control-plane 192.168.1.101',
      'rpi-kube-cp-02 control-plane 192.168.1.102',
      'rpi-kube-cp-03 control-plane 192.168.1.103',
      'rpi-kube-worker-01 worker 192.168.1.104',
      'rpi-kube-worker-02 worker 192.168.1.105',
    ]);
    expect(await page.getByTestId('plan-vip').inputValue()).toBe(vip);
    expect(await page.getByTestId('plan-clean').isVisible()).toBe(true);
  }, 60_000);

  it('bulk-adds workers from a name sequence with a live preview', async () => {
    await page.click('[data-testid=nav-nodes]');
    await page.getByTestId('node-table').waitFor();
    await page.click('[data-testid=bulk-add]');
    const dialog = page.getByTestId('bulk-add-dialog');
    await dialog.getByLabel('Names').fill('rpi-kube-worker-{03..04}');
    await dialog.getByLabel('First address').fill('192.168.1.120');
    const preview = dialog.getByTestId('bulk-preview-row');
    await expect
      .poll(() => preview.allTextContents())
      .toEqual(['rpi-kube-worker-03Worker192.168.1.120', 'rpi-kube-worker-04Worker192.168.1.121']);

    // A refused sequence says why, beside the field, and cannot be added.
    await dialog.getByLabel('Names').fill('rpi-kube-worker-{04..03}');
    await expect.poll(() => dialog.textContent()).toContain('counts down');
    expect(await dialog.getByTestId('bulk-add-confirm').isDisabled()).toBe(true);

    await dialog.getByLabel('Names').fill('rpi-kube-worker-{03..04}');
    await dialog.getByTestId('bulk-add-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('node-row').count()).toBe(7);
    expect(await page.getByTestId('plan-dirty').isVisible()).toBe(true);
  });

  it('shows a duplicate address beside its row, and clears it when fixed', async () => {
    await ipInput('rpi-kube-worker-03').fill('192.168.1.101');
    await ipInput('rpi-kube-worker-03').press('Enter');
    await expect
      .poll(() => issuesOf('rpi-kube-worker-03').textContent())
      .toContain("192.168.1.101 is already rpi-kube-cp-01's address");
    expect(await ipInput('rpi-kube-worker-03').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('draft-warning').textContent()).toContain('1 error');

    await ipInput('rpi-kube-worker-03').fill('192.168.1.110');
    await ipInput('rpi-kube-worker-03').press('Tab');
    await issuesOf('rpi-kube-worker-03').waitFor({ state: 'detached' });
    expect(await page.getByTestId('plan-issue-count').textContent()).toBe('No problems');
  });

  it('saves the plan, and a reload reopens it with the change', async () => {
    await page.click('[data-testid=save-plan]');
    await page.getByTestId('plan-clean').waitFor({ timeout: 30_000 });
    const saved = plannedNodes();
    expect(saved).toHaveLength(7);
    expect(saved.find((n) => n.hostname === 'rpi-kube-worker-03')?.ip).toBe('192.168.1.110');

    await page.reload();
    await page.getByTestId('node-table').waitFor();
    expect(await ipInput('rpi-kube-worker-03').inputValue()).toBe('192.168.1.110');
    expect(await ipInput('rpi-kube-worker-04').inputValue()).toBe('192.168.1.121');
    expect(await page.getByTestId('plan-clean').isVisible()).toBe(true);
  }, 60_000);

  it('shows the flash status of each card and marks a flashed node for rebuild', async () => {
    const statePath = join(workDir, 'lab.state.json');
    const at = new Date().toISOString();
    writeFileSync(
      statePath,
      JSON.stringify({
        apiVersion: 'kubeflash.io/v1alpha1',
        kind: 'ClusterState',
        nodes: {
          'rpi-kube-worker-01': { status: 'flashed', updatedAt: at, flashedAt: at },
          'rpi-kube-worker-02': { status: 'flash-failed', updatedAt: at, reason: 'card removed' },
        },
      }),
    );
    await page.reload();
    await page.getByTestId('node-table').waitFor();
    const row = (hostname: string) =>
      page.locator(`[data-testid=node-row][data-hostname="${hostname}"]`);
    const status = (hostname: string) =>
      row(hostname).getByTestId('node-status').getAttribute('data-status');
    expect(await status('rpi-kube-cp-01')).toBe('planned');
    expect(await status('rpi-kube-worker-01')).toBe('flashed');
    expect(await status('rpi-kube-worker-02')).toBe('flash-failed');
    expect(await row('rpi-kube-cp-01').getByTestId('rebuild').count()).toBe(0);

    await row('rpi-kube-worker-01').getByTestId('rebuild').click();
    await expect.poll(() => status('rpi-kube-worker-01')).toBe('rebuild-pending');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
      nodes: Record<string, { status: string }>;
    };
    expect(state.nodes['rpi-kube-worker-01']?.status).toBe('rebuild-pending');
  });

  it('locks the secrets, refuses a wrong passphrase and unlocks with the right one', async () => {
    await page.click('[data-testid=nav-cluster]');
    await page.click('[data-testid=tab-secrets]');
    await page.getByTestId('secrets-unlocked').waitFor();
    await page.click('[data-testid=lock]');
    await page.getByTestId('secrets-locked').waitFor();

    await page.getByLabel('Passphrase', { exact: true }).fill('wrong passphrase');
    await page.click('[data-testid=unlock]');
    await expect
      .poll(() => page.getByTestId('unlock-form').locator('[role=alert]').textContent(), {
        timeout: 15_000,
      })
      .toContain('Wrong passphrase');
    expect(await page.getByTestId('secrets-locked').isVisible()).toBe(true);

    await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
    await page.click('[data-testid=unlock]');
    await page.getByTestId('secrets-unlocked').waitFor({ timeout: 15_000 });
    const certificates = await page
      .getByTestId('certificates')
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-certificate')));
    expect(certificates).toContain('admin');
    expect(await page.getByTestId('user-key-fingerprint').textContent()).toMatch(/^SHA256:/);
    const hostKeys = await page.getByTestId('host-keys').locator('tbody tr').count();
    expect(hostKeys).toBe(7);
  }, 60_000);

  it('saves the kubeconfig to a file that kubectl reads, server at the VIP', async (ctx) => {
    requirePrerequisite(ctx, hasCommand('kubectl'), 'kubectl is needed to read the kubeconfig');
    const kubeconfig = join(workDir, 'lab.kubeconfig');
    await page.click('[data-testid=tab-kubeconfig]');
    await page.getByTestId('kubeconfig-file').fill(kubeconfig);
    await page.click('[data-testid=write-kubeconfig]');
    await expect
      .poll(() => page.getByTestId('kubeconfig-result').textContent())
      .toContain(`Wrote ${kubeconfig} (context lab)`);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    const view = JSON.parse(
      execFileSync('kubectl', ['config', 'view', '--kubeconfig', kubeconfig, '-o', 'json'], {
        encoding: 'utf8',
      }),
    ) as KubeconfigView;
    expect(view.clusters.map((c) => c.cluster.server)).toEqual([`https://${vip}:6443`]);
  });

  it('merges the kubeconfig under a context name, keeping the previous file', async (ctx) => {
    requirePrerequisite(ctx, hasCommand('kubectl'), 'kubectl is needed to read the kubeconfig');
    const merged = join(workDir, 'kube', 'config');
    await page.getByTestId('kubeconfig-destination').getByLabel('Merge into a kubeconfig').check();
    await page.getByTestId('kubeconfig-merge-path').fill(merged);
    await page.getByTestId('kubeconfig-context').fill('home-lab');
    for (const _ of [1, 2]) {
      await page.click('[data-testid=write-kubeconfig]');
      await expect
        .poll(() => page.getByTestId('kubeconfig-result').textContent())
        .toContain(`Wrote ${merged} (context home-lab)`);
    }
    expect(await page.getByTestId('kubeconfig-result').textContent()).toContain(
      'The previous version is kept as',
    );
    const view = JSON.parse(
      execFileSync('kubectl', ['config', 'view', '--kubeconfig', merged, '-o', 'json'], {
        encoding: 'utf8',
      }),
    ) as KubeconfigView;
    expect(view.contexts.map((c) => c.name)).toEqual(['home-lab']);
  });

  it('shows the Nodes table in Simplified Chinese', async () => {
    await page.click('[data-testid=nav-settings]');
    await page.selectOption('[data-testid=language]', 'zh-CN');
    await page.click('[data-testid=nav-nodes]');
    const headers = page.getByTestId('node-table').locator('thead th');
    await expect.poll(() => headers.allTextContents()).toContain('主机名');
    expect(await page.getByLabel('rpi-kube-worker-03 的 IP 地址').inputValue()).toBe(
      '192.168.1.110',
    );
    await page.click('[data-testid=nav-settings]');
    await page.selectOption('[data-testid=language]', 'en');
  });
});
