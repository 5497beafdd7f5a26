import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { chooseDrive, launchChromium } from '../support/chromium';
import {
  type FixtureImage,
  fsckFat,
  makeFixtureImage,
  mtoolsRead,
  requireFixtureTools,
} from '../support/fixture-images';
import { createLoopbackLab, serveFlashStation } from '../support/flash-lab';
import { kernelDetached } from '../support/loop-cards';
import { hasCommand, isRoot, requirePrerequisite } from '../support/prerequisites';
import type { ServedApp } from '../support/serve';

const writerScript = fileURLToPath(new URL('../../out/main/writer.js', import.meta.url));
const MiB = 1024 * 1024;

/** Run in the page: every phase a flash job card shows, recorded as it happens. */
const recordJobPhases = `(() => {
  const seen = new Set();
  const record = () =>
    document.querySelectorAll('[data-testid=flash-job]').forEach((job) => {
      const phase = job.getAttribute('data-phase');
      if (phase) seen.add(phase);
    });
  new MutationObserver(record).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
  });
  window.seenFlashPhases = seen;
})()`;

/**
 * Flows 2 and 3 through the UI in a real browser against `kubeflash serve --include-loop`: check
 * a fixture image on the Image page and make it the default, unlock the secrets on the Flash
 * page, then flash the next node onto a loop device (a real block device) and see the node
 * marked flashed and the following node come up. The plan's addresses are loopback ones: once
 * a card is flashed the app watches the node, and its probes must stay on this machine.
 */
describe('flash next card end to end', () => {
  let served: ServedApp;
  let browser: Browser;
  let page: Page;
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-flash-e2e-'));
  const planPath = join(workDir, 'lab.yaml');
  const statePath = join(workDir, 'lab.state.json');
  const passphrase = 'correct horse battery staple';
  const attached: string[] = [];
  let image: FixtureImage | null = null;
  let card: { device: string; file: string } | null = null;

  const attach = (file: string, size: number, options: string[] = []): string => {
    execFileSync('truncate', ['-s', String(size), file]);
    const device = execFileSync('losetup', [...options, '-f', '--show', file], {
      encoding: 'utf8',
    }).trim();
    attached.push(device);
    return device;
  };
  const detach = (device: string) => {
    attached.splice(attached.indexOf(device), 1);
    execFileSync('losetup', ['-d', device]);
  };
  const driveRow = (device: string): Locator => page.locator(`tr[data-device="${device}"]`);
  const loopPrerequisite = () => isRoot() && hasCommand('losetup');

  beforeAll(async () => {
    await createLoopbackLab(planPath, passphrase);
    served = await serveFlashStation(workDir, join(workDir, 'cache'));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(served.url);
  }, 60_000);

  afterAll(async () => {
    for (const device of [...attached]) {
      try {
        detach(device);
      } catch {
        // Already gone (ejected): nothing left to detach.
      }
    }
    await browser?.close();
    await served?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('asks for a cluster first, and still lists the drives', async () => {
    await page.click('[data-testid=nav-flash]');
    await expect
      .poll(() => page.getByTestId('empty-state').first().textContent())
      .toContain('No cluster open');
    await page.getByTestId('drive-list').or(page.getByText('No drives found')).first().waitFor();
    await page.click('[data-testid=go-to-cluster]');
    await page.getByTestId('open-cluster-form').waitFor();
  });

  it('opens the cluster, and Flash unlocks its secrets in place', async () => {
    await page.getByTestId('open-path').fill(planPath);
    await page.getByTestId('open-cluster-form').locator('button[type=submit]').click();
    await page.getByTestId('plan-toolbar').waitFor();

    await page.click('[data-testid=nav-flash]');
    const locked = page.getByTestId('flash-locked');
    await locked.waitFor();
    expect(await locked.textContent()).toContain('Unlock the secrets to flash cards');
    await locked.getByTestId('unlock-passphrase').fill(passphrase);
    await locked.getByTestId('unlock').click();
    await locked.waitFor({ state: 'detached', timeout: 15_000 });

    const next = page.getByTestId('next-node');
    expect(await next.getAttribute('data-hostname')).toBe('rpi-kube-cp-01');
    expect(await next.getByTestId('flashed-count').textContent()).toBe('0 of 2 cards flashed');
    // No image yet: the write waits for one, and says where to choose it.
    expect(await next.getByTestId('no-image').textContent()).toContain('Image page');
    expect(await page.getByTestId('write').isDisabled()).toBe(true);
  }, 30_000);

  it('says clearly when a file is not a disk image', async (ctx) => {
    requireFixtureTools(ctx);
    const notAnImage = await makeFixtureImage('not-a-disk', workDir, { fileName: 'notes.img' });
    await page.click('[data-testid=nav-image]');
    await page.getByTestId('image-path').fill(notAnImage.path);
    await page.getByTestId('check-image-file').click();
    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect.poll(() => check.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await check.textContent()).toContain('This image cannot be used');
    expect(await check.locator('.error-message').textContent()).not.toBe('');
  }, 30_000);

  it('checks a fixture image, detects its OS, and makes it the default', async (ctx) => {
    requireFixtureTools(ctx);
    const fixture = await makeFixtureImage('ubuntu', workDir, { fileName: 'server.img' });
    await page.click('[data-testid=nav-image]');
    await page.getByTestId('image-path').fill(fixture.path);
    await page.getByTestId('check-image-file').click();

    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect.poll(() => check.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await check.getAttribute('data-family')).toBe('ubuntu');
    expect(await check.getByTestId('detected-family').textContent()).toBe('Ubuntu Server');
    expect(await check.getByTestId('image-size').getAttribute('data-bytes')).toBe(
      String(fixture.size),
    );
    // A raw image: its own checksum, and no separate one for an image inside an archive.
    expect(await check.getByTestId('image-sha256').textContent()).toBe(
      createHash('sha256').update(readFileSync(fixture.path)).digest('hex'),
    );
    expect(await check.getByTestId('image-raw-sha256').count()).toBe(0);
    expect(await check.getByTestId('image-evidence').textContent()).toContain('system-boot');

    await page.getByTestId('use-file-as-default').click();
    await expect
      .poll(() => page.getByTestId('default-image-notice').textContent())
      .toContain('The plan is saved');
    const plan = parse(readFileSync(planPath, 'utf8')) as { spec: { image: { default?: string } } };
    expect(plan.spec.image.default).toBe(fixture.path);
    expect(
      await page.getByTestId('default-image').getByTestId('image-name').textContent(),
    ).toContain('server.img');
    image = fixture;
  }, 60_000);

  it('takes a file dropped anywhere to the Image page, uploads it and checks it', async () => {
    await page.click('[data-testid=nav-flash]');
    const dataTransfer = await page.evaluateHandle(
      `(() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'raspios.img.xz')); return d; })()`,
    );
    await page.dispatchEvent('main', 'drop', { dataTransfer });
    await page.getByTestId('image-file').waitFor();
    expect(new URL(page.url()).hash).toBe('#/image');
    const dropped = page.getByTestId('dropped-file');
    await expect.poll(() => dropped.getAttribute('data-status')).toBe('ready');
    // One byte is no image: the check says so, as for a typed path (test/e2e/flash-drop.test.ts
    // flashes a dropped image).
    const check = page.getByTestId('image-file').getByTestId('image-check');
    await expect.poll(() => check.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await check.locator('.error-message').textContent()).toContain('raspios.img.xz');
  }, 30_000);

  it('lists a read-only card as refused, with the reason', async (ctx) => {
    requirePrerequisite(ctx, loopPrerequisite(), 'loop devices need root and losetup');
    await page.click('[data-testid=nav-flash]');
    await page.getByTestId('next-node').waitFor();
    const device = attach(join(workDir, 'locked-card.img'), 64 * MiB, ['-r']);
    const row = driveRow(device);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('refused');
    expect(await row.getByTestId('refusals').textContent()).toContain('read-only');
    expect(await row.getByTestId('choose-drive').isDisabled()).toBe(true);
    detach(device);
    // The kernel detaches a device someone holds open only once they close it: wait for that
    // first, so a failure says which side was slow.
    await kernelDetached(device, 'locked-card.img', 20_000);
    // By its backing file: another process may take the freed device name at once.
    await page
      .locator('tr', { hasText: 'locked-card.img' })
      .waitFor({ state: 'detached', timeout: 15_000 });
  }, 60_000);

  it('offers a new card that fits the image for the next node', async (ctx) => {
    requirePrerequisite(ctx, loopPrerequisite(), 'loop devices need root and losetup');
    requirePrerequisite(ctx, image !== null, 'the image check above did not run');
    const file = join(workDir, 'card.img');
    const device = attach(file, image!.size + 16 * MiB);
    card = { device, file };
    const row = driveRow(device);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('eligible');
    expect(
      await page
        .getByTestId('next-node')
        .getByTestId('next-image-checked')
        .getAttribute('data-family'),
    ).toBe('ubuntu');
    await chooseDrive(row);
    expect(await page.getByTestId('write').textContent()).toBe(
      `Write rpi-kube-cp-01 to ${device}…`,
    );
  }, 30_000);

  it('writes the card, shows its progress, marks the node flashed and moves on', async (ctx) => {
    requirePrerequisite(ctx, card !== null && image !== null, 'no card was attached above');
    requirePrerequisite(
      ctx,
      existsSync(writerScript),
      'the elevated writer (out/main/writer.js) is not built',
    );
    const { device, file } = card!;
    await page.getByTestId('write').click();
    const confirm = page.getByTestId('confirm-write');
    await confirm.waitFor();
    const question = await confirm.textContent();
    expect(question).toContain(`Erase ${device}?`);
    expect(question).toContain(`${((image!.size + 16 * MiB) / MiB).toFixed(1)} MiB`);
    expect(question).toContain('Everything on');
    expect(question).toContain('is erased');

    await page.evaluate(recordJobPhases);
    await confirm.getByTestId('confirm').click();

    const job = page.locator('[data-testid=flash-job][data-hostname="rpi-kube-cp-01"]');
    await job.waitFor();
    expect(await job.getAttribute('data-device')).toBe(device);
    await expect
      .poll(() => job.getAttribute('data-status'), { timeout: 120_000 })
      .toMatch(/succeeded|failed/);
    if ((await job.getAttribute('data-status')) === 'failed') {
      throw new Error(`flash failed: ${await job.textContent()}`);
    }
    const phases = await page.evaluate<string[]>('[...window.seenFlashPhases]');
    expect(phases).toContain('writing');
    // A loop device cannot be ejected: the job says to remove the card before the next one.
    expect(await job.textContent()).toContain('remove the card, then insert the next one');

    // The node is flashed, and the following node is the next card.
    const next = page.getByTestId('next-node');
    await expect.poll(() => next.getAttribute('data-hostname')).toBe('rpi-kube-worker-01');
    expect(await next.getByTestId('flashed-count').textContent()).toBe('1 of 2 cards flashed');
    expect(await next.getByTestId('insert-prompt').textContent()).toBe(
      'rpi-kube-cp-01 is done: insert the next card.',
    );
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
      nodes: Record<string, { status: string }>;
    };
    expect(state.nodes['rpi-kube-cp-01']?.status).toBe('flashed');

    // What is on the card: this node's cloud-init, on a clean FAT.
    const userData = (await mtoolsRead(file, image!.boot!.offset, 'user-data')).toString('utf8');
    expect(userData).toMatch(/^#cloud-config/);
    expect(userData).toContain('rpi-kube-cp-01');
    expect((await fsckFat(file, image!.boot!)).code).toBe(0);

    await page.click('[data-testid=nav-nodes]');
    const status = page
      .locator('[data-testid=node-row][data-hostname="rpi-kube-cp-01"]')
      .getByTestId('node-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('flashed');
  }, 180_000);

  it('shows a failed card with its reason and a retry, and leaves the node as it was', async (ctx) => {
    requirePrerequisite(ctx, card !== null, 'no card was attached above');
    requireFixtureTools(ctx);
    // The next node gets a file that is no disk image: its card fails before anything is written.
    const broken = await makeFixtureImage('not-a-disk', workDir, { fileName: 'broken.img' });
    await page.click('[data-testid=nav-image]');
    await page.getByTestId('image-path').fill(broken.path);
    await page.getByTestId('use-file-as-default').click();
    await expect
      .poll(() => page.getByTestId('default-image-notice').textContent())
      .toContain('broken.img');

    await page.click('[data-testid=nav-flash]');
    const next = page.getByTestId('next-node');
    await next.waitFor();
    const hostname = await next.getAttribute('data-hostname');
    await chooseDrive(driveRow(card!.device));
    await page.getByTestId('write').click();
    await page.getByTestId('confirm-write').getByTestId('confirm').click();

    const job = page.locator(`[data-testid=flash-job][data-hostname="${hostname}"]`);
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    expect(await job.getByTestId('flash-error').textContent()).toContain('not a disk image');
    await job.getByTestId('retry-flash').click();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    expect(await job.count()).toBe(1);

    // Nothing was written: the node is still the next one, and its state says nothing new.
    expect(await next.getAttribute('data-hostname')).toBe(hostname);
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as {
      nodes: Record<string, { status: string }>;
    };
    expect(state.nodes[hostname!]).toBeUndefined();
  }, 90_000);
});
