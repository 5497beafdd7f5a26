import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { chooseDrive, launchChromium } from '../support/chromium';
import {
  type FixtureImage,
  makeFixtureImage,
  mtoolsRead,
  requireFixtureTools,
} from '../support/fixture-images';
import { createLoopbackLab, serveFlashStation } from '../support/flash-lab';
import { hasCommand, isRoot, requirePrerequisite } from '../support/prerequisites';
import type { ServedApp } from '../support/serve';

const writerScript = fileURLToPath(new URL('../../out/main/writer.js', import.meta.url));
const MiB = 1024 * 1024;

/**
 * Drop an image file onto the page in a browser: Chromium gets the file's bytes only (no path),
 * so it is uploaded through the server's real upload endpoint into the image cache's uploads,
 * checked like a local file, made the default, and the next node is flashed onto a loop device;
 * the UI then sees the node flashed. A reload still shows the finished card (listFlashJobs).
 */
describe('drop an image file, flash the next card', () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-drop-e2e-'));
  const cacheHome = join(workDir, 'cache');
  const planPath = join(workDir, 'lab.yaml');
  const statePath = join(workDir, 'lab.state.json');
  const passphrase = 'correct horse battery staple';
  const attached: string[] = [];
  let image: FixtureImage | null = null;
  let gzBytes: Buffer | null = null;
  let uploadedPath: string | null = null;
  let card: { device: string; file: string } | null = null;

  /** Drag a file built in the page from `bytes` over the page and drop it, as a user would. */
  const dropFile = async (name: string, bytes: Buffer) => {
    // Runs in the page (a string: this file is compiled without the DOM's types).
    const dataTransfer = await page.evaluateHandle(`(() => {
      const raw = atob(${JSON.stringify(bytes.toString('base64'))});
      const data = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i += 1) data[i] = raw.charCodeAt(i);
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], ${JSON.stringify(name)}));
      return transfer;
    })()`);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      await page.dispatchEvent('main', type, { dataTransfer });
    }
  };

  const uploadsDir = () => join(cacheHome, 'kubeflash', 'images', 'uploads');
  /** What the image cache holds: decompressed images and temporary files. */
  const cacheFiles = () =>
    ['images', 'tmp'].flatMap((sub) => {
      const dir = join(cacheHome, 'kubeflash', 'images', sub);
      return existsSync(dir) ? readdirSync(dir).map((name) => `${sub}/${name}`) : [];
    });

  beforeAll(async () => {
    await createLoopbackLab(planPath, passphrase);
    served = await serveFlashStation(workDir, cacheHome);
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(served.url);
  }, 60_000);

  afterAll(async () => {
    for (const device of [...attached]) {
      try {
        execFileSync('losetup', ['-d', device]);
      } catch {
        // Already gone: nothing left to detach.
      }
    }
    await browser?.close();
    await served?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('opens the cluster and unlocks its secrets', async () => {
    await page.getByTestId('nav-cluster').click();
    await page.getByTestId('open-path').fill(planPath);
    await page.getByTestId('open-cluster-form').locator('button[type=submit]').click();
    await page.getByTestId('plan-toolbar').waitFor();
    await page.getByTestId('nav-flash').click();
    const locked = page.getByTestId('flash-locked');
    await locked.getByTestId('unlock-passphrase').fill(passphrase);
    await locked.getByTestId('unlock').click();
    await locked.waitFor({ state: 'detached', timeout: 15_000 });
    expect(await page.getByTestId('next-node').getAttribute('data-hostname')).toBe(
      'rpi-kube-cp-01',
    );
  }, 30_000);

  it('uploads a dropped file that is no image, and shows the image check’s own error', async () => {
    await dropFile('holiday.img', Buffer.from('these are not the sectors you are looking for\n'));
    expect(new URL(page.url()).hash).toBe('#/image');
    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect.poll(() => check.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await check.textContent()).toContain('This image cannot be used');
    expect(await check.locator('.error-message').textContent()).toContain('holiday.img');
  }, 30_000);

  it('uploads a dropped compressed image with its bytes intact, checks it and makes it the default', async (ctx) => {
    requireFixtureTools(ctx);
    requirePrerequisite(ctx, hasCommand('gzip'), 'gzip is not installed');
    const fixture = await makeFixtureImage('ubuntu', workDir, { fileName: 'server.img' });
    execFileSync('gzip', ['-k', '-1', fixture.path]);
    gzBytes = readFileSync(`${fixture.path}.gz`);

    await page.getByTestId('nav-flash').click();
    await dropFile('dropped server.img.gz', gzBytes);
    const dropped = page.getByTestId('dropped-file');
    await expect.poll(() => dropped.getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');
    expect(await dropped.textContent()).toContain('is on the Kubeflash server');

    // The server kept exactly the dropped bytes, under a safe name, in the uploads folder.
    uploadedPath = await page.getByTestId('image-path').inputValue();
    expect(uploadedPath.startsWith(uploadsDir() + '/')).toBe(true);
    expect(uploadedPath.endsWith('/dropped_server.img.gz')).toBe(true);
    expect(readFileSync(uploadedPath).equals(gzBytes)).toBe(true);
    const leftovers = readdirSync(uploadsDir(), { recursive: true }).map(String);
    expect(leftovers.filter((f) => f.endsWith('.part'))).toEqual([]);

    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect.poll(() => check.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await check.getAttribute('data-family')).toBe('ubuntu');
    expect(await check.getByTestId('image-size').getAttribute('data-bytes')).toBe(
      String(fixture.size),
    );

    await page.getByTestId('use-file-as-default').click();
    await expect
      .poll(() => page.getByTestId('default-image-notice').textContent())
      .toContain('The plan is saved');
    const plan = parse(readFileSync(planPath, 'utf8')) as { spec: { image: { default?: string } } };
    expect(plan.spec.image.default).toBe(uploadedPath);
    image = fixture;
  }, 90_000);

  it('flashes the next node from the uploaded image onto a loop device and marks it flashed', async (ctx) => {
    requirePrerequisite(
      ctx,
      isRoot() && hasCommand('losetup'),
      'loop devices need root and losetup',
    );
    requirePrerequisite(ctx, image !== null, 'the dropped image was not checked above');
    requirePrerequisite(
      ctx,
      existsSync(writerScript),
      'the elevated writer (out/main/writer.js) is not built',
    );
    const file = join(workDir, 'card.img');
    execFileSync('truncate', ['-s', String(image!.size + 16 * MiB), file]);
    const device = execFileSync('losetup', ['-f', '--show', file], { encoding: 'utf8' }).trim();
    attached.push(device);
    card = { device, file };

    await page.getByTestId('nav-flash').click();
    const row = page.locator(`tr[data-device="${device}"]`);
    await chooseDrive(row);
    await page.getByTestId('write').click();
    await page.getByTestId('confirm-write').getByTestId('confirm').click();

    const job = page.locator('[data-testid=flash-job][data-hostname="rpi-kube-cp-01"]');
    await expect
      .poll(() => job.getAttribute('data-status'), { timeout: 120_000 })
      .toMatch(/succeeded|failed/);
    if ((await job.getAttribute('data-status')) === 'failed') {
      throw new Error(`flash failed: ${await job.textContent()}`);
    }
    const next = page.getByTestId('next-node');
    await expect.poll(() => next.getAttribute('data-hostname')).toBe('rpi-kube-worker-01');
    expect(await next.getByTestId('flashed-count').textContent()).toBe('1 of 2 cards flashed');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
      nodes: Record<string, { status: string }>;
    };
    expect(state.nodes['rpi-kube-cp-01']?.status).toBe('flashed');
    const userData = (await mtoolsRead(file, image!.boot!.offset, 'user-data')).toString('utf8');
    expect(userData).toContain('rpi-kube-cp-01');

    await page.getByTestId('nav-nodes').click();
    const status = page
      .locator('[data-testid=node-row][data-hostname="rpi-kube-cp-01"]')
      .getByTestId('node-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('flashed');
  }, 180_000);

  it('still shows the finished card after a reload (the server lists its jobs)', async (ctx) => {
    requirePrerequisite(ctx, card !== null, 'no card was flashed above');
    await page.reload();
    await page.getByTestId('nav-flash').click();
    const job = page.locator('[data-testid=flash-job][data-hostname="rpi-kube-cp-01"]');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 15_000 }).toBe('succeeded');
    expect(await job.getAttribute('data-device')).toBe(card!.device);
  }, 30_000);

  it('cancels a long image check from the Image page, keeping nothing of it', async (ctx) => {
    requireFixtureTools(ctx);
    // A real image made 32 GiB long (sparse): hashing it takes long enough to be stopped.
    const cachedBefore = cacheFiles();
    const big = await makeFixtureImage('ubuntu', workDir, { fileName: 'huge.img' });
    execFileSync('truncate', ['-s', String(32 * 1024 * MiB), big.path]);
    await page.getByTestId('nav-image').click();
    await page.getByTestId('image-path').fill(big.path);
    await page.getByTestId('check-image-file').click();
    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect
      .poll(() => check.getByTestId('image-progress').getAttribute('data-phase'), {
        timeout: 20_000,
      })
      .toBe('hashing');
    await check.getByTestId('cancel-image-check').click();
    await check.waitFor({ state: 'detached', timeout: 20_000 });
    expect(await page.getByTestId('check-image-file').textContent()).toBe('Check image');
    // Nothing of it in the cache: no new image, no temporary file.
    expect(cacheFiles()).toEqual(cachedBefore);
  }, 60_000);
});
