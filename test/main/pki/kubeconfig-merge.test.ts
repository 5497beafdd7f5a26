import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { KubeflashError } from '../../../common/errors';
import {
  mergeIntoKubeconfigFile,
  mergeKubeconfig,
  resolveKubeconfigPath,
  saveKubeconfig,
} from '../../../main/pki/kubeconfig-merge';

const run = promisify(execFile);

/** The user's file: two contexts, a comment, preferences and an extension we know nothing about. */
const existingConfig = `apiVersion: v1
kind: Config
# clusters I work with
clusters:
- name: work
  cluster:
    server: https://work.example.test:6443
    certificate-authority-data: V09SS0NB
- name: home
  cluster:
    server: https://old-home.example.test:6443
    certificate-authority-data: T0xEQ0E=
users:
- name: work-admin
  user:
    token: work-token
- name: home
  user:
    client-certificate-data: T0xEQ0VSVA==
    client-key-data: T0xES0VZ
contexts:
- name: work
  context:
    cluster: work
    user: work-admin
    namespace: dev
- name: home
  context:
    cluster: home
    user: home
current-context: work
preferences:
  colors: true
extensions:
- name: my-ext
  extension:
    team: platform
`;

/** What Kubeflash generates for a new cluster. */
const incomingConfig = `apiVersion: v1
kind: Config
clusters:
- name: kubeflash
  cluster:
    server: https://192.0.2.10:6443
    certificate-authority-data: TkVXQ0E=
    tls-server-name: kubernetes
users:
- name: kubeflash-admin
  user:
    client-certificate-data: TkVXQ0VSVA==
    client-key-data: TkVXS0VZ
contexts:
- name: kubeflash-admin@kubeflash
  context:
    cluster: kubeflash
    user: kubeflash-admin
    namespace: kube-system
current-context: kubeflash-admin@kubeflash
`;

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-kubeconfig-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run('/usr/bin/kubectl', args, {
    env: { ...process.env, KUBECONFIG: '' },
  });
  return stdout;
}

async function contextNames(file: string): Promise<string[]> {
  const out = await kubectl('config', 'get-contexts', '--kubeconfig', file, '-o', 'name');
  return out.trim().split('\n').sort();
}

interface KubeconfigJson {
  'current-context': string;
  preferences: Record<string, unknown>;
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
}

async function view(file: string): Promise<KubeconfigJson> {
  return JSON.parse(
    await kubectl('config', 'view', '--kubeconfig', file, '--raw', '-o', 'json'),
  ) as KubeconfigJson;
}

function failure(fn: () => unknown): KubeflashError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KubeflashError);
    return error as KubeflashError;
  }
  throw new Error('expected an error');
}

describe('mergeIntoKubeconfigFile', () => {
  it('replaces the same-named context, keeps the others, and kubectl agrees', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig, { mode: 0o644 });
    const result = await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'home',
      path: file,
    });
    expect(result).toEqual({ path: file, backupPath: `${file}.bak` });

    expect(await contextNames(file)).toEqual(['home', 'work']);
    const config = await view(file);
    expect(config['current-context']).toBe('home');
    expect((await kubectl('config', 'current-context', '--kubeconfig', file)).trim()).toBe('home');

    expect(config.clusters.filter((c) => c.name === 'home')).toEqual([
      {
        name: 'home',
        cluster: {
          server: 'https://192.0.2.10:6443',
          'certificate-authority-data': 'TkVXQ0E=',
          'tls-server-name': 'kubernetes',
        },
      },
    ]);
    expect(config.users.filter((u) => u.name === 'home')).toEqual([
      {
        name: 'home',
        user: { 'client-certificate-data': 'TkVXQ0VSVA==', 'client-key-data': 'TkVXS0VZ' },
      },
    ]);
    expect(config.contexts.find((c) => c.name === 'home')?.context).toEqual({
      cluster: 'home',
      user: 'home',
      namespace: 'kube-system',
    });
    // The unrelated context, its cluster and user are untouched.
    expect(config.contexts.find((c) => c.name === 'work')?.context).toEqual({
      cluster: 'work',
      user: 'work-admin',
      namespace: 'dev',
    });
    expect(config.clusters.find((c) => c.name === 'work')?.cluster.server).toBe(
      'https://work.example.test:6443',
    );
    expect(config.users.find((u) => u.name === 'work-admin')?.user.token).toBe('work-token');
    // No leftovers of the incoming names.
    expect(config.clusters.map((c) => c.name).sort()).toEqual(['home', 'work']);
    expect(config.users.map((u) => u.name).sort()).toEqual(['home', 'work-admin']);
  });

  it('keeps preferences, extensions and comments of the existing file', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig);
    await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'home',
      path: file,
    });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('# clusters I work with');
    const doc = parse(text) as Record<string, unknown>;
    expect(doc.preferences).toEqual({ colors: true });
    expect(doc.extensions).toEqual([{ name: 'my-ext', extension: { team: 'platform' } }]);
    expect((await view(file)).preferences).toEqual({ colors: true });
  });

  it('writes 0600 and keeps the old file as .bak', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig, { mode: 0o644 });
    await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'home',
      path: file,
    });
    expect(await modeOf(file)).toBe(0o600);
    expect(await readFile(`${file}.bak`, 'utf8')).toBe(existingConfig);
    expect(await modeOf(`${file}.bak`)).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['config', 'config.bak']);
  });

  it('adds a new context next to the existing ones', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig);
    await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'pi-lab',
      path: file,
    });
    expect(await contextNames(file)).toEqual(['home', 'pi-lab', 'work']);
    const config = await view(file);
    expect(config['current-context']).toBe('pi-lab');
    expect(config.clusters.find((c) => c.name === 'home')?.cluster.server).toBe(
      'https://old-home.example.test:6443',
    );
  });

  it('creates a missing file and its folder (0700)', async () => {
    const file = join(dir, 'home', '.kube', 'config');
    const result = await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'pi-lab',
      path: file,
    });
    expect(result).toEqual({ path: file, backupPath: null });
    expect(await modeOf(join(dir, 'home', '.kube'))).toBe(0o700);
    expect(await modeOf(file)).toBe(0o600);
    expect(await contextNames(file)).toEqual(['pi-lab']);
    expect((await view(file))['current-context']).toBe('pi-lab');
  });

  it('merging twice is idempotent', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig);
    const merge = () =>
      mergeIntoKubeconfigFile({ incomingText: incomingConfig, contextName: 'home', path: file });
    await merge();
    const once = await readFile(file, 'utf8');
    await merge();
    expect(await readFile(file, 'utf8')).toBe(once);
  });

  it('invalid existing YAML gives an error naming the file and changes nothing', async () => {
    const file = join(dir, 'config');
    const broken = 'apiVersion: v1\nclusters:\n  - name: a\n   bad indent: [\n';
    await writeFile(file, broken, { mode: 0o644 });
    const error = await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'home',
      path: file,
    }).catch((e: unknown) => e as KubeflashError);
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error).toMatchObject({ code: 'invalid-file', subject: file });
    expect((error as KubeflashError).message).toContain(`${file} line`);
    expect(await readFile(file, 'utf8')).toBe(broken);
    expect(await modeOf(file)).toBe(0o644);
    expect(await readdir(dir)).toEqual(['config']); // no .bak, no lock, no temp file
  });

  it('invalid incoming text creates neither the folder nor a lock', async () => {
    const file = join(dir, 'new', 'config');
    await expect(
      mergeIntoKubeconfigFile({ incomingText: 'kind: Config\n', contextName: 'x', path: file }),
    ).rejects.toMatchObject({ code: 'invalid-file' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to merge into a file that is not a kubeconfig', async () => {
    const file = join(dir, 'cluster.yaml');
    const clusterFile = 'apiVersion: kubeflash.dev/v1\nkind: Cluster\nnodes: []\n';
    await writeFile(file, clusterFile);
    await expect(
      mergeIntoKubeconfigFile({ incomingText: incomingConfig, contextName: 'x', path: file }),
    ).rejects.toMatchObject({ code: 'invalid-file', subject: file });
    expect(await readFile(file, 'utf8')).toBe(clusterFile);
  });

  it('writes through a symlinked kubeconfig, keeping the link', async () => {
    const target = join(dir, 'dotfiles-kubeconfig');
    const link = join(dir, 'config');
    await writeFile(target, existingConfig);
    await symlink(target, link);
    const result = await mergeIntoKubeconfigFile({
      incomingText: incomingConfig,
      contextName: 'pi-lab',
      path: link,
    });
    expect(result.path).toBe(target);
    expect(await contextNames(link)).toEqual(['home', 'pi-lab', 'work']);
    expect(await readFile(`${target}.bak`, 'utf8')).toBe(existingConfig);
  });

  it('fails without writing while kubectl holds its lock file', async () => {
    const file = join(dir, 'config');
    await writeFile(file, existingConfig);
    await writeFile(`${file}.lock`, '');
    await expect(
      mergeIntoKubeconfigFile({ incomingText: incomingConfig, contextName: 'home', path: file }),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(await readFile(file, 'utf8')).toBe(existingConfig);
  });

  it('writes into the first file of a multi-path $KUBECONFIG', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(second, existingConfig);
    const path = resolveKubeconfigPath({ KUBECONFIG: `${first}:${second}` }, '/home/nobody');
    expect(path).toBe(first);
    await mergeIntoKubeconfigFile({ incomingText: incomingConfig, contextName: 'pi', path });
    expect(await contextNames(first)).toEqual(['pi']);
    expect(await readFile(second, 'utf8')).toBe(existingConfig);
  });
});

describe('resolveKubeconfigPath', () => {
  it('uses the first non-empty $KUBECONFIG entry', () => {
    expect(resolveKubeconfigPath({ KUBECONFIG: '/a/one:/b/two' }, '/home/u')).toBe('/a/one');
    expect(resolveKubeconfigPath({ KUBECONFIG: '::/b/two:/c' }, '/home/u')).toBe('/b/two');
  });

  it('falls back to ~/.kube/config when $KUBECONFIG is unset or empty', () => {
    expect(resolveKubeconfigPath({}, '/home/u')).toBe('/home/u/.kube/config');
    expect(resolveKubeconfigPath({ KUBECONFIG: '' }, '/home/u')).toBe('/home/u/.kube/config');
    expect(resolveKubeconfigPath({ KUBECONFIG: ':' }, '/home/u')).toBe('/home/u/.kube/config');
  });

  it('splits with the given delimiter (Windows uses ";")', () => {
    expect(resolveKubeconfigPath({ KUBECONFIG: 'C:\\k\\a;C:\\k\\b' }, 'C:\\Users\\u', ';')).toBe(
      'C:\\k\\a',
    );
  });
});

describe('mergeKubeconfig (pure)', () => {
  it('with no existing file returns a kubeconfig holding just the new context', () => {
    const merged = parse(mergeKubeconfig(null, incomingConfig, 'pi-lab')) as Record<
      string,
      unknown
    >;
    expect(merged).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'pi-lab',
      clusters: [{ name: 'pi-lab', cluster: { server: 'https://192.0.2.10:6443' } }],
      users: [{ name: 'pi-lab' }],
      contexts: [{ name: 'pi-lab', context: { cluster: 'pi-lab', user: 'pi-lab' } }],
    });
  });

  it('treats an empty or comment-only file as a new kubeconfig', () => {
    for (const empty of ['', '\n', '# nothing yet\n']) {
      const merged = parse(mergeKubeconfig(empty, incomingConfig, 'pi')) as {
        contexts: unknown[];
      };
      expect(merged.contexts).toHaveLength(1);
    }
  });

  it('accepts a kubectl-written file with null lists', () => {
    const existing =
      'apiVersion: v1\nkind: Config\nclusters: null\nusers: null\ncontexts: null\ncurrent-context: ""\npreferences: {}\n';
    const merged = parse(mergeKubeconfig(existing, incomingConfig, 'pi')) as {
      clusters: unknown[];
    };
    expect(merged.clusters).toHaveLength(1);
  });

  it('quotes strings that YAML 1.1 (kubectl) would read as booleans', () => {
    const incoming = incomingConfig.replace('namespace: kube-system', 'namespace: "on"');
    expect(mergeKubeconfig(null, incoming, 'pi')).toMatch(/namespace: "on"/);
  });

  it.each([
    ['invalid YAML', 'clusters: [\n', /the new kubeconfig line \d+: not valid YAML/],
    ['a YAML list', '- a\n- b\n', /the new kubeconfig is not a valid kubeconfig/],
    [
      'no contexts',
      'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n',
      /contexts/,
    ],
    [
      'a context pointing at a missing cluster',
      incomingConfig.replace('cluster: kubeflash\n', 'cluster: elsewhere\n'),
      /cluster "elsewhere", which the file does not define/,
    ],
  ])('rejects an incoming kubeconfig with %s', (_name, incoming, message) => {
    const error = failure(() => mergeKubeconfig(existingConfig, incoming, 'home'));
    expect(error.code).toBe('invalid-file');
    expect(error.message).toMatch(message);
  });

  it('names the existing file in its errors', () => {
    const error = failure(() =>
      mergeKubeconfig('- just\n- a list\n', incomingConfig, 'home', {
        existing: '/h/.kube/config',
      }),
    );
    expect(error).toMatchObject({ code: 'invalid-file', subject: '/h/.kube/config' });
    expect(error.message).toContain('/h/.kube/config is not a kubeconfig');
  });

  it('refuses an unusable context name', () => {
    for (const name of ['', ' lab', 'lab\nx', '-x']) {
      expect(failure(() => mergeKubeconfig(null, incomingConfig, name)).code).toBe(
        'invalid-request',
      );
    }
  });
});

describe('saveKubeconfig', () => {
  it('writes a 0600 file atomically and keeps a .bak of what was there', async () => {
    const file = join(dir, 'pi-lab.kubeconfig');
    await writeFile(file, 'old\n', { mode: 0o644 });
    const result = await saveKubeconfig(file, incomingConfig);
    expect(result).toEqual({ path: file, backupPath: `${file}.bak` });
    expect(await readFile(file, 'utf8')).toBe(incomingConfig);
    expect(await modeOf(file)).toBe(0o600);
    expect(await contextNames(file)).toEqual(['kubeflash-admin@kubeflash']);
  });

  it('creates the folder and refuses text that is not a kubeconfig', async () => {
    const file = join(dir, 'out', 'k.yaml');
    await saveKubeconfig(file, incomingConfig);
    expect(await modeOf(join(dir, 'out'))).toBe(0o700);
    await expect(saveKubeconfig(join(dir, 'bad.yaml'), 'not: [a kubeconfig')).rejects.toMatchObject(
      {
        code: 'invalid-file',
      },
    );
    expect(await readdir(dir)).toEqual(['out']);
  });
});
