import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import { parse } from 'yaml';

import { type CliResult as Result, kubeflash } from '../../support/cli';
import { hasCommand, requirePrerequisites } from '../../support/prerequisites';
import { cliPath } from '../../support/serve';

/*
 * The built CLI as a user runs it, in a temporary folder. The CLI derives the vault key with the
 * real (slow) scrypt parameters, so only a few invocations here open the secrets.
 */

const built = existsSync(join(cliPath, '..', '..', 'out', 'main', 'cli.js'));
const passphrase = 'correct horse battery staple';
const files = ['cluster.yaml', 'cluster.secrets', 'cluster.state.json'];

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

const initArgs = [
  'init',
  '--name',
  'lab',
  '--subnet',
  '192.168.1.0/24',
  '--gateway',
  '192.168.1.1',
  '--dns',
  '192.168.1.1',
  '--first-ip',
  '192.168.1.101',
  '--workers',
  '2',
  '--passphrase-file',
  'passphrase.txt',
];

let template: string;
let initResult: Result | undefined;
let dir: string;

beforeAll(async () => {
  template = await mkdtemp(join(tmpdir(), 'kubeflash-cli-plan-'));
  if (!built) return;
  await writeFile(join(template, 'passphrase.txt'), `${passphrase}\n`, { mode: 0o600 });
  initResult = await kubeflash(template, initArgs);
});

afterAll(async () => {
  await rm(template, { recursive: true, force: true });
});

/** Each test works on its own copy of the initialised cluster. */
beforeEach(async () => {
  const own = await mkdtemp(join(tmpdir(), 'kubeflash-cli-plan-'));
  dir = own;
  if (initResult?.code === 0) {
    for (const name of [...files, 'passphrase.txt'])
      await copyFile(join(template, name), join(own, name));
  }
  return () => rm(own, { recursive: true, force: true });
});

function prerequisites(ctx: TestContext, ...commands: string[]) {
  requirePrerequisites(ctx, [
    [built, 'the CLI is built (npx electron-vite build)'],
    ...commands.map((c) => [hasCommand(c), `${c} is needed`] as const),
  ]);
  expect(initResult, 'kubeflash init ran').toBeDefined();
}

async function nodesJson() {
  const { code, stdout, stderr } = await kubeflash(dir, ['nodes', 'list', '--json']);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return JSON.parse(stdout) as { hostname: string; role: string; ip?: string; status: string }[];
}

describe('kubeflash init', () => {
  it('creates the plan, the encrypted secrets and the state, and exits 0', async (ctx) => {
    prerequisites(ctx);
    expect(initResult!.stderr).toBe('');
    expect(initResult!.code).toBe(0);
    expect(initResult!.stdout).toContain(`Created ${join(template, 'cluster.yaml')}`);
    expect(initResult!.stdout).toMatch(/The app's SSH key: SHA256:\S+/);
    expect(initResult!.stdout).toContain('3 nodes planned');
    for (const name of files) expect((await stat(join(template, name))).mode & 0o777).toBe(0o600);
    const plan = parse(await readFile(join(template, 'cluster.yaml'), 'utf8')) as {
      spec: { nodes: { hostname: string; ip: string }[]; controlPlane: { endpoint: string } };
    };
    expect(plan.spec.nodes.map((n) => `${n.hostname}=${n.ip}`)).toEqual([
      'rpi-kube-cp-01=192.168.1.101',
      'rpi-kube-worker-01=192.168.1.102',
      'rpi-kube-worker-02=192.168.1.103',
    ]);
    expect(plan.spec.controlPlane.endpoint).toBe('192.168.1.101');
    const secrets = await readFile(join(template, 'cluster.secrets'), 'utf8');
    expect(secrets).not.toContain('BEGIN');
    expect(secrets).not.toContain(passphrase);
  });

  it('refuses to run again without --force and leaves the files byte for byte', async (ctx) => {
    prerequisites(ctx);
    const before = await Promise.all(files.map((f) => readFile(join(dir, f))));
    const again = await kubeflash(dir, initArgs);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `kubeflash: ${join(dir, 'cluster.yaml')} already exists: open it, or choose another name`,
    );
    expect(await Promise.all(files.map((f) => readFile(join(dir, f))))).toEqual(before);
  });

  it('refuses a plan with errors and writes nothing', async (ctx) => {
    prerequisites(ctx);
    const fresh = join(dir, 'fresh');
    const result = await kubeflash(dir, [
      ...initArgs,
      '--file',
      'fresh.yaml',
      '--control-planes',
      '3',
      '--first-ip',
      '10.0.0.5',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The plan has \d+ error\(s\)/);
    expect(result.stderr).toContain('spec.nodes.0.ip');
    expect(existsSync(`${fresh}.yaml`) || existsSync(`${fresh}.secrets`)).toBe(false);
  });
});

describe('kubeflash nodes and validate', () => {
  it('nodes add with a name pattern and first IP; nodes list --json shows them', async (ctx) => {
    prerequisites(ctx);
    const added = await kubeflash(dir, [
      'nodes',
      'add',
      '--names',
      'rpi-kube-worker-{05..06}',
      '--first-ip',
      '192.168.1.150',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added 2 nodes: rpi-kube-worker-05, rpi-kube-worker-06');
    const nodes = await nodesJson();
    expect(nodes.slice(-2)).toEqual([
      { hostname: 'rpi-kube-worker-05', role: 'worker', ip: '192.168.1.150', status: 'planned' },
      { hostname: 'rpi-kube-worker-06', role: 'worker', ip: '192.168.1.151', status: 'planned' },
    ]);
    expect(nodes).toHaveLength(5);

    const duplicate = await kubeflash(dir, ['nodes', 'add', '--names', 'rpi-kube-worker-{01..02}']);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('A node named rpi-kube-worker-01 already exists');
    expect(await nodesJson()).toHaveLength(5);
  });

  it('a duplicate IP set on a node makes validate exit 1 naming the field', async (ctx) => {
    prerequisites(ctx);
    const set = await kubeflash(dir, [
      'nodes',
      'set',
      'rpi-kube-worker-02',
      '--ip',
      '192.168.1.102',
    ]);
    expect(set.stdout).toContain('Updated rpi-kube-worker-02');
    expect(set.stderr).toContain('spec.nodes.2.ip');

    const validate = await kubeflash(dir, ['validate']);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(
      /^error +spec\.nodes\.2\.ip: 192\.168\.1\.102 is already rpi-kube-worker-01's address$/m,
    );

    const json = await kubeflash(dir, ['validate', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        severity: 'error',
        path: 'spec.nodes.2.ip',
        message: "192.168.1.102 is already rpi-kube-worker-01's address",
      },
    ]);
  });

  it('validate passes a valid plan, and --json prints an empty list', async (ctx) => {
    prerequisites(ctx);
    const text = await kubeflash(dir, ['validate']);
    expect(text).toEqual({ code: 0, stdout: `${join(dir, 'cluster.yaml')}: valid\n`, stderr: '' });
    const json = await kubeflash(dir, ['validate', '--json', '--cluster', 'cluster.yaml']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('nodes rm removes nodes; removing an unknown one fails and changes nothing', async (ctx) => {
    prerequisites(ctx);
    const removed = await kubeflash(dir, ['nodes', 'rm', 'rpi-kube-worker-02']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain('Removed rpi-kube-worker-02');
    expect((await nodesJson()).map((n) => n.hostname)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);

    const before = await readFile(join(dir, 'cluster.yaml'));
    const unknown = await kubeflash(dir, ['nodes', 'rm', 'rpi-kube-worker-01', 'ghost']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No node named ghost in cluster lab');
    expect(await readFile(join(dir, 'cluster.yaml'))).toEqual(before);
  });

  // Regression: a no-op edit right after `init` must not rewrite the init node's lines.
  it('a no-op nodes set leaves the cluster file byte for byte', async (ctx) => {
    prerequisites(ctx);
    const before = await readFile(join(dir, 'cluster.yaml'), 'utf8');
    const result = await kubeflash(dir, ['nodes', 'set', 'rpi-kube-worker-01', '--image', '']);
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, 'cluster.yaml'), 'utf8')).toBe(before);
  });

  it('an invalid cluster file gives one line per problem and exit 1', async (ctx) => {
    prerequisites(ctx);
    const text = await readFile(join(dir, 'cluster.yaml'), 'utf8');
    const broken = text
      .replace(
        /^( *)- hostname: rpi-kube-cp-01\n/m,
        '$1- hostname: rpi-kube-cp-01\n$1  mac: aa:bb\n',
      )
      .replace('kind: Cluster\n', 'kind: Cluster\ncolour: blue\n');
    expect(broken).not.toBe(text);
    await writeFile(join(dir, 'broken.yaml'), broken);
    for (const args of [
      ['validate', '--cluster', 'broken.yaml'],
      ['nodes', 'list', '--cluster', 'broken.yaml'],
    ]) {
      const result = await kubeflash(dir, args);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      const prefix = `kubeflash: ${join(dir, 'broken.yaml')}: `;
      expect(result.stderr.startsWith(prefix)).toBe(true);
      const lines = result.stderr.slice(prefix.length).trimEnd().split('\n');
      expect(lines.sort()).toEqual([
        '(top level): unknown field "colour" (misspelt?)',
        'spec.nodes.0: unknown field "mac" (misspelt?)',
      ]);
    }
    const missing = await kubeflash(dir, ['validate', '--cluster', 'nowhere.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(dir, 'nowhere.yaml')} does not exist`);
  });
});

interface KubectlConfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string } }[];
  contexts: { name: string }[];
}

async function kubectlView(file: string): Promise<KubectlConfig> {
  return JSON.parse(
    await run('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json']),
  ) as KubectlConfig;
}

describe('kubeflash kubeconfig and ssh-key (open the secrets)', () => {
  it('kubeconfig --out writes a 0600 file kubectl reads', async (ctx) => {
    prerequisites(ctx, 'kubectl');
    const result = await kubeflash(dir, [
      'kubeconfig',
      '--out',
      'lab.kubeconfig',
      '--passphrase-file',
      'passphrase.txt',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const file = join(dir, 'lab.kubeconfig');
    expect(result.stdout).toContain(`Wrote ${file}`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const config = await kubectlView(file);
    expect(config['current-context']).toBe('lab');
    expect(config.clusters.map((c) => c.cluster.server)).toEqual(['https://192.168.1.101:6443']);
  });

  it('kubeconfig --merge merges into the first file of $KUBECONFIG', async (ctx) => {
    prerequisites(ctx, 'kubectl');
    const first = join(dir, 'first.kubeconfig');
    const second = join(dir, 'second.kubeconfig');
    const other = [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{name: other, cluster: {server: "https://10.9.9.9:6443"}}]',
      'users: [{name: other, user: {token: t}}]',
      'contexts: [{name: other, context: {cluster: other, user: other}}]',
      'current-context: other',
      '',
    ].join('\n');
    await writeFile(first, other, { mode: 0o600 });
    await writeFile(second, other, { mode: 0o600 });
    // The passphrase from the environment this time.
    const result = await kubeflash(dir, ['kubeconfig', '--merge', '--context', 'pi-lab'], {
      KUBECONFIG: `${first}:${second}`,
      KUBEFLASH_PASSPHRASE: passphrase,
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Merged context pi-lab into ${first}`);
    const contexts = await run('kubectl', [
      'config',
      'get-contexts',
      '--kubeconfig',
      first,
      '-o',
      'name',
    ]);
    expect(contexts.trim().split('\n').sort()).toEqual(['other', 'pi-lab']);
    expect((await kubectlView(first))['current-context']).toBe('pi-lab');
    expect(await readFile(second, 'utf8')).toBe(other);
  });

  it('kubeconfig without a passphrase source on a non-TTY stdin fails naming --passphrase-file', async (ctx) => {
    prerequisites(ctx);
    const result = await kubeflash(dir, ['kubeconfig']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--passphrase-file');
    expect(result.stderr).toContain('KUBEFLASH_PASSPHRASE');
    expect(result.stderr).toContain(join(dir, 'cluster.secrets'));
  });

  it('ssh-key --out writes a 0600 private key that ssh-keygen accepts', async (ctx) => {
    prerequisites(ctx, 'ssh-keygen');
    const result = await kubeflash(dir, [
      'ssh-key',
      '--out',
      'id_kubeflash',
      '--passphrase-file',
      'passphrase.txt',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const key = join(dir, 'id_kubeflash');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect(await readFile(key, 'utf8')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const derived = (await run('ssh-keygen', ['-y', '-f', key])).trim();
    const published = (await readFile(`${key}.pub`, 'utf8')).trim();
    expect(published).toMatch(/^ssh-ed25519 \S+ kubeflash@lab$/);
    expect(derived.split(' ').slice(0, 2)).toEqual(published.split(' ').slice(0, 2));
    const fingerprint = (await run('ssh-keygen', ['-l', '-f', key])).split(' ')[1];
    expect(initResult!.stdout).toContain(`The app's SSH key: ${fingerprint} `);
  });
});
