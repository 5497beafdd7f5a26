import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { launchChromium } from '../support/chromium';
import { hasCommand, isRoot, requirePrerequisite } from '../support/prerequisites';
import { type ServedApp, startServe } from '../support/serve';

/**
 * Waits until the kernel really detached a loop device from `file`; else fails naming who holds
 * it. The device's name may be taken for another file at once (other tests run beside this).
 */
async function kernelDetached(device: string, file: string, timeoutMs: number): Promise<void> {
  const attachedFile = `/sys/block/${basename(device)}/loop/backing_file`;
  const stillOurs = () =>
    existsSync(attachedFile) && readFileSync(attachedFile, 'utf8').includes(file);
  const deadline = Date.now() + timeoutMs;
  while (stillOurs()) {
    if (Date.now() > deadline) {
      throw new Error(`the kernel has not detached ${device}; open by: ${holdersOf(device)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The processes that have `device` open (pid and command line), for a failure message. */
function holdersOf(device: string): string {
  const holders: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const fds = readdirSync(`/proc/${pid}/fd`);
      if (fds.some((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`) === device)) {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        holders.push(`${pid} ${command.trim()}`);
      }
    } catch {
      // gone, or not ours to look at
    }
  }
  return holders.join('; ') || 'no process (the detach may still be in progress)';
}

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
