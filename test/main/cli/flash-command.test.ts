import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { kubeflash } from '../../support/cli';
import {
  type FixtureImage,
  makeFixtureImage,
  mtoolsRead,
  requireFixtureTools,
} from '../../support/fixture-images';
import { createLoopbackLab, recordedStatus } from '../../support/flash-lab';
import { loopCards } from '../../support/loop-cards';
import { hasCommand, isRoot, requirePrerequisite } from '../../support/prerequisites';

const MiB = 1024 * 1024;
const passphrase = 'correct horse battery staple';

/** `kubeflash flash` as a script runs it: --yes, --json, the passphrase from a file. */
describe('kubeflash flash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-cli-flash-'));
  const plan = join(dir, 'lab.yaml');
  const passFile = join(dir, 'pass');
  const cacheHome = join(dir, 'cache');
  const cards = loopCards(dir);
  let image: FixtureImage | null = null;
  let archive = '';
  let hostnames: string[] = [];

  const flash = (
    node: string,
    device: string,
    { file = passFile, image: source = archive, cache = cacheHome } = {},
  ) =>
    kubeflash(
      dir,
      [
        'flash',
        ...['--cluster', plan, '--node', node, '--device', device, '--image', source],
        ...['--yes', '--include-loop', '--json', '--passphrase-file', file],
      ],
      { XDG_CACHE_HOME: cache },
    );

  beforeAll(async () => {
    ({ hostnames } = await createLoopbackLab(plan, passphrase));
    writeFileSync(passFile, passphrase, { mode: 0o600 });
  }, 60_000);

  afterAll(() => {
    cards.detachAll();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A Raspberry Pi OS fixture as .img.xz, made once. */
  async function needArchive(ctx: Parameters<typeof requireFixtureTools>[0]): Promise<void> {
    requireFixtureTools(ctx);
    requirePrerequisite(ctx, hasCommand('xz'), 'xz to make the test archive');
    if (image) return;
    image = await makeFixtureImage('raspios-bookworm', dir);
    execFileSync('xz', ['-T0', '-1', '-k', image.path]);
    archive = `${image.path}.xz`;
  }

  function attachCard(ctx: Parameters<typeof requireFixtureTools>[0]): string {
    requirePrerequisite(ctx, isRoot() && hasCommand('losetup'), 'loop devices need root');
    return cards.attach(image!.size + 16 * MiB);
  }

  it('writes the node’s card from an .img.xz, reports progress and marks the node flashed', async (ctx) => {
    await needArchive(ctx);
    const device = attachCard(ctx);
    const node = hostnames[0]!;
    const run = await flash(node, device);
    expect(run.stderr).not.toMatch(/failed/i);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const steps = events
      .filter((e) => e.event === 'progress')
      .map((e) => e.step)
      .filter((step, i, all) => step !== all[i - 1]);
    expect(steps).toEqual(['image', 'card']);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ event: 'done', hostname: node, device, family: image!.family });
    expect((done.result as { bytesWritten: number }).bytesWritten).toBeGreaterThan(0);
    // The card carries this node's first-boot files, read back with mtools.
    const bootOffset = image!.boot!.startSector * 512;
    const firstrun = await mtoolsRead(device, bootOffset, 'firstrun.sh');
    expect(firstrun.toString('utf8')).toContain(node);
    expect(recordedStatus(plan, node)).toBe('flashed');
  }, 120_000);

  it('refuses a device that is not a drive here at once, stopping the image check', async (ctx) => {
    requireFixtureTools(ctx);
    // A real image made 64 GiB long (sparse): checking it would take minutes.
    const huge = await makeFixtureImage('ubuntu', dir, { fileName: 'huge.img' });
    execFileSync('truncate', ['-s', String(64 * 1024 * MiB), huge.path]);
    const started = Date.now();
    const run = await flash(hostnames[1]!, '/dev/kubeflash-no-such-card', {
      image: huge.path,
      cache: join(dir, 'fresh-cache'),
    });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('/dev/kubeflash-no-such-card is not a drive here');
    expect(Date.now() - started).toBeLessThan(20_000);
    rmSync(huge.path);
  }, 60_000);

  it('a wrong passphrase ends the command (and the writer it started) at once', async (ctx) => {
    await needArchive(ctx);
    const device = attachCard(ctx);
    const before = readFileSync(device);
    const wrong = join(dir, 'wrong-pass');
    writeFileSync(wrong, 'not the passphrase', { mode: 0o600 });
    const started = Date.now();
    const run = await flash(hostnames[1]!, device, {
      file: wrong,
      cache: join(dir, 'wrong-pass-cache'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Wrong passphrase');
    expect(readFileSync(device).equals(before)).toBe(true);
    // The archive's decompression, started beside the unlock, was dropped with nothing kept.
    expect(readdirSync(join(dir, 'wrong-pass-cache', 'kubeflash', 'images', 'tmp'))).toEqual([]);
    // Well within the CLI helper's 60 s limit: nothing kept the process alive.
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
