import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  type FixtureImage,
  makeFixtureImage,
  mtoolsRead,
  requireFixtureTools,
} from '../../support/fixture-images';
import { createLoopbackLab, recordedStatus, setDefaultImage } from '../../support/flash-lab';
import { asksForCard, startFlashNextStation } from '../../support/flash-next-station';
import { loopCards } from '../../support/loop-cards';
import { hasCommand, isRoot, requirePrerequisite } from '../../support/prerequisites';
import { cliPath } from '../../support/serve';

const MiB = 1024 * 1024;
const passphrase = 'correct horse battery staple';

/** `kubeflash flash-next` as a station runs it: one card after another, each for the next node. */
describe('kubeflash flash-next', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-cli-flash-next-'));
  const cards = loopCards(dir);

  afterAll(() => {
    cards.detachAll();
    rmSync(dir, { recursive: true, force: true });
  });

  async function lab(name: string, ctx: Parameters<typeof requireFixtureTools>[0]) {
    requireFixtureTools(ctx);
    requirePrerequisite(ctx, hasCommand('xz'), 'xz to make the test archive');
    requirePrerequisite(ctx, isRoot() && hasCommand('losetup'), 'loop devices need root');
    const plan = join(dir, `${name}.yaml`);
    return { plan, ...(await createLoopbackLab(plan, passphrase)) };
  }

  /** flash-next with `--image` when given, else with the plan's default image. */
  function station(plan: string, image: string | null, cache: string) {
    const base = { ...process.env };
    for (const name of ['KUBEFLASH_PASSPHRASE', 'KUBEFLASH_CLUSTER']) delete base[name];
    const imageArgs = image ? ['--image', image] : [];
    return startFlashNextStation(cliPath, ['--cluster', plan, ...imageArgs, '--include-loop'], {
      ...base,
      HOME: dir,
      XDG_CACHE_HOME: cache,
      KUBEFLASH_PASSPHRASE: passphrase,
    });
  }

  it('prepares the image before a card arrives, then writes each node’s card in turn', async (ctx) => {
    const { plan, hostnames } = await lab('lab', ctx);
    const image: FixtureImage = await makeFixtureImage('raspios-bookworm', dir);
    execFileSync('xz', ['-T0', '-1', '-k', image.path]);
    const cache = join(dir, 'cache');
    const imagesDir = join(cache, 'kubeflash', 'images', 'images');
    const run = station(plan, `${image.path}.xz`, cache);
    try {
      const first = await run.until(asksForCard, 60_000);
      expect(first.hostname).toBe(hostnames[0]);
      // No card yet, and the image is already decompressed into the cache.
      const cachedImages = () =>
        existsSync(imagesDir) ? readdirSync(imagesDir).filter((f) => f.endsWith('.img')) : [];
      for (let waited = 0; waited < 30_000 && cachedImages().length === 0; waited += 100) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(cachedImages()).toHaveLength(1);

      for (const [index, hostname] of hostnames.entries()) {
        const device = cards.attach(image.size + 16 * MiB);
        const writing = await run.until((e) => e.event === 'status' && Boolean(e.device), 30_000);
        expect(writing.device).toBe(device);
        const done = await run.until((e) => e.event === 'done', 60_000);
        expect(done).toMatchObject({ hostname, device, family: image.family });
        const firstrun = await mtoolsRead(device, image.boot!.startSector * 512, 'firstrun.sh');
        expect(firstrun.toString('utf8')).toContain(hostname);
        await run.until((e) => e.event === 'status' && /^Remove the card/.test(e.message!), 10_000);
        cards.detach(device);
        const next = await run.until(
          (e) => asksForCard(e) || /^Every node is flashed/.test(e.message ?? ''),
          30_000,
        );
        if (index < hostnames.length - 1) expect(next.hostname).toBe(hostnames[index + 1]);
        else expect(next.message).toMatch(/^Every node is flashed/);
      }
      expect(await run.exited).toBe(0);
    } finally {
      await run.stop();
    }
    for (const hostname of hostnames) expect(recordedStatus(plan, hostname)).toBe('flashed');
  }, 180_000);

  it.for<[string, string]>([
    ['named with --image', 'image-option'],
    ['the plan’s default', 'plan-default'],
  ])(
    'stops at once, before any card, when the image (%s) cannot be prepared',
    { timeout: 60_000 },
    async ([, name], ctx) => {
      const { plan } = await lab(name, ctx);
      const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: `${name}.img` });
      execFileSync('xz', ['-T0', '-1', '-k', image.path]);
      const archive = `${image.path}.xz`;
      // Cut short: xz reports the damage when it reaches the end.
      const bytes = readFileSync(archive);
      writeFileSync(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
      if (name === 'plan-default') setDefaultImage(plan, archive);
      const run = station(
        plan,
        name === 'plan-default' ? null : archive,
        join(dir, `${name}-cache`),
      );
      try {
        const ended = await Promise.race([
          run.exited,
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
        ]);
        expect(ended).toBe(1);
        expect(run.stderr()).toContain(`${name}.img.xz`);
      } finally {
        await run.stop();
      }
    },
  );
});
