import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { launchChromium } from '../support/chromium';
import { kernelDetached } from '../support/loop-cards';
import { hasCommand, isRoot, requirePrerequisite } from '../support/prerequisites';
import { type ServedApp, startServe } from '../support/serve';

// The whole UI in a real browser against `kubeflash serve`, with a real loop device as the card.
describe('web UI end to end', () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-e2e-'));
  const attached: string[] = [];

  beforeAll(async () => {
    served = await startServe(['--include-loop', '--config-dir', join(workDir, 'config')]);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    for (const device of attached) execFileSync('losetup', ['-d', device]);
    await browser?.close();
    await served?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('refuses requests and sockets without the token', async () => {
    const page = await fetch(served.origin + '/');
    expect(page.status).toBe(401);
    const wrong = await fetch(served.origin + '/?token=not-the-token', { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    const socketStatus = await new Promise<number>((resolve) => {
      const ws = new WebSocket(served.origin.replace('http', 'ws') + '/api/ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => {});
    });
    expect(socketStatus).toBe(401);
  });

  it('opens with the token, then drops it from the address bar', async () => {
    await page.goto(served.url);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await expect.poll(() => page.locator('.version').textContent()).toContain('web');
  });

  it('shows a loop device when it is attached and removes it when detached', async (ctx) => {
    requirePrerequisite(
      ctx,
      isRoot() && hasCommand('losetup'),
      'loop devices need root and losetup',
    );
    await page.click('[data-testid=nav-flash]');
    await page.locator('[data-testid=drive-list], [data-testid=empty-state]').first().waitFor();

    const image = join(workDir, 'card.img');
    execFileSync('truncate', ['-s', '96M', image]);
    const device = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();
    attached.push(device);
    const row = page.locator(`tr[data-device="${device}"]`);
    await row.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => row.locator('[data-testid=drive-size]').getAttribute('data-bytes'))
      .toBe(String(96 * 1024 * 1024));
    expect(await row.textContent()).toContain('96.0 MiB');

    const ours = page.locator('tr', { hasText: image });
    expect(await ours.count(), 'the row names the backing file').toBe(1);
    execFileSync('losetup', ['-d', device]);
    attached.splice(attached.indexOf(device), 1);
    // The kernel detaches a loop device only once nobody has it open (else it defers): that is
    // the machine's doing, not the app's, so it is awaited and explained first.
    await kernelDetached(device, image, 15_000);
    // By its backing file: another test may take the freed device name at once.
    await ours.waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('switches the language to Simplified Chinese and back', async () => {
    await page.click('[data-testid=nav-settings]');
    await page.selectOption('[data-testid=language]', 'zh-CN');
    await expect.poll(() => page.locator('[data-testid=nav-flash]').textContent()).toBe('烧录');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.selectOption('[data-testid=language]', 'en');
    await expect.poll(() => page.locator('[data-testid=nav-flash]').textContent()).toBe('Flash');
  });

  it('shows an error state for a cluster file that does not exist', async () => {
    await page.click('[data-testid=nav-cluster]');
    await page.fill('input', join(workDir, 'missing.yaml'));
    await page.click('button[type=submit]');
    await expect.poll(() => page.locator('[role=alert]').textContent()).toContain('does not exist');
  });
});
