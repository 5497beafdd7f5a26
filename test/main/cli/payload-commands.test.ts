import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLabCluster, kubeflash } from '../../support/cli';
import {
  fsckFat,
  makeFixtureImage,
  mtoolsRead,
  requireFixtureTools,
} from '../../support/fixture-images';

describe('kubeflash payload and apply-payload', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-cli-payload-'));
    await createLabCluster(dir);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies a node payload to an image, reads it back, and leaves a clean FAT', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('ubuntu', dir);
    const run = await kubeflash(dir, [
      'apply-payload',
      '--node',
      'rpi-kube-worker-01',
      '--image',
      image.path,
      '--json',
      '--passphrase-file',
      'pass',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ node: 'rpi-kube-worker-01', family: 'ubuntu' });
    expect(summary.written).toEqual(
      expect.arrayContaining(['user-data', 'network-config', 'meta-data']),
    );
    const userData = (await mtoolsRead(image.path, image.boot!.offset, 'user-data')).toString(
      'utf8',
    );
    expect(userData).toMatch(/^#cloud-config/);
    expect(userData).toContain('rpi-kube-worker-01');
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  }, 60_000);

  it('writes a payload folder for inspection, private to the user', async () => {
    const out = join(dir, 'payload-out');
    const run = await kubeflash(dir, [
      'payload',
      '--node',
      'rpi-kube-cp-01',
      '--os',
      'raspios-bookworm',
      '--out',
      out,
      '--passphrase-file',
      'pass',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/holds secrets/);
    expect(((await stat(out)).mode & 0o777).toString(8)).toBe('700');
    expect(await readdir(out)).toEqual(
      expect.arrayContaining(['firstrun.sh', 'cmdline-edits.json']),
    );
    expect(((await stat(join(out, 'firstrun.sh'))).mode & 0o777).toString(8)).toBe('600');
    const edits = JSON.parse(await readFile(join(out, 'cmdline-edits.json'), 'utf8'));
    expect(edits[0].ensure).toEqual(expect.arrayContaining(['cgroup_enable=memory']));
  }, 60_000);

  it('refuses an unknown node, a missing OS choice, and a block device path', async () => {
    const unknown = await kubeflash(dir, [
      'payload',
      '--node',
      'nope',
      '--os',
      'ubuntu',
      '--out',
      join(dir, 'x'),
      '--passphrase-file',
      'pass',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No node named nope.*rpi-kube-cp-01/);
    const neither = await kubeflash(dir, [
      'payload',
      '--node',
      'rpi-kube-cp-01',
      '--out',
      join(dir, 'y'),
      '--passphrase-file',
      'pass',
    ]);
    expect(neither.stderr).toMatch(/either --os or --image/);
    const device = await kubeflash(dir, [
      'apply-payload',
      '--node',
      'rpi-kube-cp-01',
      '--image',
      '/dev/null',
      '--passphrase-file',
      'pass',
    ]);
    expect(device.code).toBe(1);
    expect(device.stderr).toMatch(/not an image file/);
  }, 60_000);
});
