import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  addNodes,
  createCluster,
  emptyState,
  type NewClusterOptions,
  removeNode,
} from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import {
  ClusterWorkspace,
  loadPlan,
  loadState,
  projectPaths,
  saveState,
} from '../../../main/cluster';
import { clientCertificateAuthority, servingCertificateAuthority } from '../../../main/pki';
import { readSecretsFile } from '../../../main/secrets';
import { hasCommand, requirePrerequisites } from '../../support/prerequisites';

const execFileAsync = promisify(execFile);

/** Cheap scrypt: the vault format is the same, only the cost is lower. */
const vault = { kdf: { N: 2 ** 10, r: 8, p: 1 } };
const passphrase = 'correct horse battery staple';
const clock = new Date();

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-workspace-'));
  path = join(dir, 'cluster.yaml');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function workspace(extra: { env?: NodeJS.ProcessEnv; homedir?: string } = {}) {
  return new ClusterWorkspace({ now: () => clock, vault, ...extra });
}

/** Small plans keep host-key generation (RSA 3072 per node) quick. */
function plan(overrides: Partial<NewClusterOptions> = {}): NewClusterOptions {
  return {
    name: 'lab',
    controlPlanes: 1,
    workers: 1,
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: ['192.168.1.1'],
    firstIp: '192.168.1.101',
    ...overrides,
  };
}

async function modeOf(file: string) {
  return (await stat(file)).mode & 0o777;
}

async function rejection(promise: Promise<unknown>): Promise<KubeflashError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeflashError);
  return error as KubeflashError;
}

async function run(file: string, args: string[]) {
  const { stdout } = await execFileAsync(file, args, { encoding: 'utf8' });
  return stdout;
}

const tools = (ctx: Parameters<typeof requirePrerequisites>[0], ...names: string[]) =>
  requirePrerequisites(
    ctx,
    names.map((name) => [hasCommand(name), `${name} is needed`] as const),
  );

describe('ClusterWorkspace.create', () => {
  it('writes the plan, encrypted secrets and state, 0600, with no secret in clear', async () => {
    const ws = workspace();
    const view = await ws.create(path, plan(), passphrase);
    const paths = projectPaths(path);
    expect(paths).toEqual({
      cluster: path,
      secrets: join(dir, 'cluster.secrets'),
      state: join(dir, 'cluster.state.json'),
    });
    expect((await readdir(dir)).sort()).toEqual([
      'cluster.secrets',
      'cluster.state.json',
      'cluster.yaml',
    ]);
    for (const file of Object.values(paths)) expect(await modeOf(file)).toBe(0o600);

    expect(await loadPlan(path)).toEqual(createCluster(plan()));
    expect(view.cluster).toEqual(createCluster(plan()));
    expect(await loadState(paths.state)).toEqual(emptyState());
    expect(view.issues).toEqual([]);
    expect(view.secrets.unlocked).toBe(true);

    const secrets = ws.secrets(path);
    expect(await readSecretsFile(paths.secrets, passphrase)).toEqual(secrets);
    const tokens = Object.values(secrets.tokens ?? {});
    expect(tokens.length).toBeGreaterThan(0);
    for (const file of [paths.cluster, paths.secrets, paths.state]) {
      const text = await readFile(file, 'latin1');
      expect(text).not.toContain('BEGIN');
      expect(text).not.toContain('PRIVATE');
      expect(text).not.toContain(passphrase);
      for (const token of tokens) expect(text).not.toContain(token);
      expect(text).not.toContain(secrets.admin!.certificatePem.split('\n')[1]);
    }
  });

  it('keeps the Wi-Fi passphrase in the secrets, not the plan', async () => {
    const ws = workspace();
    const wifiPassphrase = 'wifi-secret-0042';
    await ws.create(
      path,
      plan({ interface: 'wlan0', wifi: { ssid: 'HomeNet', country: 'DE' } }),
      passphrase,
      { wifiPassphrase },
    );
    expect(ws.secrets(path).wifiPassphrase).toBe(wifiPassphrase);
    expect(await readFile(path, 'utf8')).not.toContain(wifiPassphrase);
    expect(await readFile(projectPaths(path).secrets, 'latin1')).not.toContain(wifiPassphrase);
  });

  it('refuses to overwrite an existing cluster unless asked, leaving the files as they were', async () => {
    await workspace().create(path, plan(), passphrase);
    const paths = projectPaths(path);
    const before = await Promise.all(Object.values(paths).map((f) => readFile(f)));

    const error = await rejection(workspace().create(path, plan({ name: 'other' }), passphrase));
    expect(error.code).toBe('invalid-request');
    expect(error.message).toBe(`${path} already exists: open it, or choose another name`);
    expect(await Promise.all(Object.values(paths).map((f) => readFile(f)))).toEqual(before);

    // The secrets alone are enough to refuse: they hold the CA of cards already written.
    await unlink(path);
    const secretsError = await rejection(workspace().create(path, plan(), passphrase));
    expect(secretsError.subject).toBe(paths.secrets);

    const ws = workspace();
    const view = await ws.create(path, plan({ name: 'other' }), passphrase, { overwrite: true });
    expect(view.cluster.metadata.name).toBe('other');
    expect((await readFile(paths.secrets)).equals(before[2]!)).toBe(false);
  });

  it('refuses a plan with validation errors and writes nothing', async () => {
    const error = await rejection(workspace().create(path, plan({ controlPlanes: 3 }), passphrase));
    expect(error.code).toBe('invalid-request');
    expect(error.subject).toBe('spec.controlPlane.virtualIP');
    expect(error.message).toMatch(/^The plan has 1 error\(s\):\nspec\.controlPlane\.virtualIP: /);

    const wifi = await rejection(
      workspace().create(
        path,
        plan({ interface: 'wlan0', wifi: { ssid: 'HomeNet', country: 'DE' } }),
        passphrase,
        { wifiPassphrase: 'short' },
      ),
    );
    expect(wifi.subject).toBe('secrets.wifiPassphrase');

    const badIp = await rejection(
      workspace().create(path, plan({ firstIp: '10.0.0.5' }), passphrase),
    );
    expect(badIp.message).toMatch(/The plan has 2 error\(s\)/);
    expect(await readdir(dir)).toEqual([]);
  });

  it.each([
    ['empty', ''],
    ['too short', 'seven77'],
    ['only spaces', ' '.repeat(12)],
  ])('refuses a passphrase that is %s and writes nothing', async (_what, weak) => {
    const error = await rejection(workspace().create(path, plan(), weak));
    expect(error.code).toBe('invalid-request');
    expect(error.subject).toBe('passphrase');
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('ClusterWorkspace view, unlock and lock', () => {
  it('shows no secret value, locked or unlocked', async () => {
    const creator = workspace();
    await creator.create(path, plan({ workers: 2 }), passphrase);
    const tokens = Object.values(creator.secrets(path).tokens ?? {});

    const ws = workspace();
    const locked = await ws.view(path);
    expect(locked.secrets).toEqual({
      file: projectPaths(path).secrets,
      exists: true,
      unlocked: false,
      certificates: [],
      userKeyFingerprint: null,
      userPublicKey: null,
      hostKeys: [],
    });
    expect(locked.cluster).toEqual(createCluster(plan({ workers: 2 })));
    expect(locked.issues).toEqual([]);
    const lockedError = await rejection(Promise.resolve().then(() => ws.secrets(path)));
    expect(lockedError.code).toBe('permission-denied');

    const unlocked = await ws.unlock(path, passphrase);
    expect(unlocked.secrets.unlocked).toBe(true);
    expect(unlocked.secrets.certificates.map((c) => c.name).sort()).toEqual([
      'admin',
      'clientCa',
      'etcdPeerCa',
      'etcdServerCa',
      'requestHeaderCa',
      'serverCa',
    ]);
    for (const certificate of unlocked.secrets.certificates) {
      expect(Date.parse(certificate.notBefore)).toBeLessThanOrEqual(clock.getTime());
      expect(Date.parse(certificate.notAfter)).toBeGreaterThan(clock.getTime());
    }
    expect(unlocked.secrets.hostKeys.map((h) => h.hostname)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
      'rpi-kube-worker-02',
    ]);
    expect(unlocked.secrets.userPublicKey).toMatch(/^ssh-ed25519 AAAA\S+ kubeflash@lab$/);
    expect(unlocked.secrets.userKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    for (const view of [locked, unlocked]) {
      const json = JSON.stringify(view);
      expect(json).not.toContain('PRIVATE KEY');
      expect(json).not.toContain('BEGIN');
      for (const token of tokens) expect(json).not.toContain(token);
    }

    ws.lock(path);
    expect((await ws.view(path)).secrets.unlocked).toBe(false);
    expect(() => ws.secrets(path)).toThrow(/Unlock the secrets/);
  });

  it('refuses a wrong passphrase as permission-denied and stays locked', async () => {
    await workspace().create(path, plan(), passphrase);
    const ws = workspace();
    const error = await rejection(ws.unlock(path, 'wrong horse battery staple'));
    expect(error.code).toBe('permission-denied');
    expect(error.message).not.toContain('wrong horse');
    expect((await ws.view(path)).secrets.unlocked).toBe(false);
  });

  it('reports a missing secrets file in the view', async () => {
    await workspace().create(path, plan(), passphrase);
    await unlink(projectPaths(path).secrets);
    const view = await workspace().view(path);
    expect(view.secrets.exists).toBe(false);
    expect((await rejection(workspace().unlock(path, passphrase))).code).toBe('not-found');
  });
});

describe('ClusterWorkspace.save', () => {
  it('drops a removed node from the state and, while unlocked, its host keys', async () => {
    const ws = workspace();
    const view = await ws.create(path, plan({ workers: 2 }), passphrase);
    const paths = projectPaths(path);
    const flashed = { status: 'flashed' as const, updatedAt: clock.toISOString() };
    await saveState(paths.state, {
      ...emptyState(),
      nodes: { 'rpi-kube-worker-01': flashed, 'rpi-kube-worker-02': flashed },
    });
    const keptKeys = ws.secrets(path).ssh!.hostKeys['rpi-kube-worker-01'];

    const saved = await ws.save(path, removeNode(view.cluster, 'rpi-kube-worker-02'));
    expect(saved.cluster.spec.nodes.map((n) => n.hostname)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);
    expect((await loadPlan(path)).spec.nodes).toHaveLength(2);
    expect((await loadState(paths.state)).nodes).toEqual({ 'rpi-kube-worker-01': flashed });
    expect(saved.state.nodes).toEqual({ 'rpi-kube-worker-01': flashed });
    expect(Object.keys(ws.secrets(path).ssh!.hostKeys).sort()).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);
    expect(ws.secrets(path).ssh!.hostKeys['rpi-kube-worker-01']).toEqual(keptKeys);
    const onDisk = await readSecretsFile(paths.secrets, passphrase);
    expect(Object.keys(onDisk.ssh!.hostKeys).sort()).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);
    expect(saved.secrets.hostKeys.map((h) => h.hostname)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);
  });

  it('generates host keys for an added node while unlocked, keeping the others', async () => {
    const ws = workspace();
    const view = await ws.create(path, plan(), passphrase);
    const before = ws.secrets(path).ssh!.hostKeys;
    const added = addNodes(view.cluster, {
      namePattern: 'rpi-kube-worker-02',
      role: 'worker',
      firstIp: '192.168.1.150',
    });
    const saved = await ws.save(path, added);
    const after = ws.secrets(path).ssh!.hostKeys;
    expect(Object.keys(after).sort()).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
      'rpi-kube-worker-02',
    ]);
    expect(after['rpi-kube-cp-01']).toEqual(before['rpi-kube-cp-01']);
    expect(after['rpi-kube-worker-02']!.ed25519.publicKey).toMatch(
      /^ssh-ed25519 \S+ root@rpi-kube-worker-02$/,
    );
    expect(after['rpi-kube-worker-02']!.rsa.publicKey).toMatch(
      /^ssh-rsa \S+ root@rpi-kube-worker-02$/,
    );
    expect((await readSecretsFile(projectPaths(path).secrets, passphrase)).ssh!.hostKeys).toEqual(
      after,
    );
    expect(saved.secrets.hostKeys).toHaveLength(3);
  });

  it('while locked saves the plan only; the next unlock catches the secrets up', async () => {
    const view = await workspace().create(path, plan(), passphrase);
    const secretsFile = projectPaths(path).secrets;
    const secretsBefore = await readFile(secretsFile);
    const ws = workspace();
    const renamed = {
      ...view.cluster,
      spec: {
        ...view.cluster.spec,
        nodes: view.cluster.spec.nodes.map((n) =>
          n.hostname === 'rpi-kube-worker-01' ? { ...n, hostname: 'rpi-kube-worker-09' } : n,
        ),
      },
    };
    const saved = await ws.save(path, renamed);
    expect(saved.secrets.unlocked).toBe(false);
    expect((await readFile(secretsFile)).equals(secretsBefore)).toBe(true);

    const unlocked = await ws.unlock(path, passphrase);
    expect(unlocked.secrets.hostKeys.map((h) => h.hostname)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-09',
    ]);
    expect(
      Object.keys((await readSecretsFile(secretsFile, passphrase)).ssh!.hostKeys).sort(),
    ).toEqual(['rpi-kube-cp-01', 'rpi-kube-worker-09']);
  });
});

describe('ClusterWorkspace.markForRebuild', () => {
  it('marks a planned node rebuild-pending at the current time', async () => {
    const ws = workspace();
    await ws.create(path, plan(), passphrase);
    const view = await ws.markForRebuild(path, 'rpi-kube-worker-01');
    const expected = { status: 'rebuild-pending', updatedAt: clock.toISOString() };
    expect(view.state.nodes).toEqual({ 'rpi-kube-worker-01': expected });
    expect((await loadState(projectPaths(path).state)).nodes['rpi-kube-worker-01']).toEqual(
      expected,
    );
    const error = await rejection(ws.markForRebuild(path, 'rpi-kube-worker-07'));
    expect(error.code).toBe('not-found');
    expect(error.subject).toBe('rpi-kube-worker-07');
  });
});

describe('state file and project paths', () => {
  it('names the files beside the plan', () => {
    expect(projectPaths('/srv/labs/edge.yml')).toEqual({
      cluster: '/srv/labs/edge.yml',
      state: '/srv/labs/edge.state.json',
      secrets: '/srv/labs/edge.secrets',
    });
    expect(projectPaths('/srv/Edge.YAML').secrets).toBe('/srv/Edge.secrets');
  });

  it('reads a missing state as empty and refuses a damaged one', async () => {
    const file = join(dir, 'x.state.json');
    expect(await loadState(file)).toEqual(emptyState());
    await writeFile(file, '{ not json');
    const notJson = await rejection(loadState(file));
    expect(notJson.code).toBe('invalid-file');
    expect(notJson.message).toContain(`${file}.bak`);
    await writeFile(file, JSON.stringify({ kind: 'Something' }));
    expect((await rejection(loadState(file))).message).toMatch(/is not a Kubeflash state file/);
  });
});

interface KubectlConfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string } }[];
  users: { name: string; user: { 'client-certificate-data': string } }[];
}

async function kubectlView(file: string): Promise<KubectlConfig> {
  return JSON.parse(
    await run('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json']),
  ) as KubectlConfig;
}

const pemOf = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');
const normalize = (pem: string) => pem.replace(/\r/g, '').trim();

describe('ClusterWorkspace kubeconfig', () => {
  it('writes a 0600 kubeconfig that kubectl reads: the endpoint, the context, the CA', async (ctx) => {
    tools(ctx, 'kubectl');
    const ws = workspace();
    await ws.create(
      path,
      plan({ controlPlanes: 3, workers: 0, virtualIP: '192.168.1.100' }),
      passphrase,
    );
    const file = join(dir, 'out', 'lab.kubeconfig');
    const written = await ws.writeKubeconfig(path, { kind: 'file', file });
    expect(written).toEqual({ path: file, backupPath: null, contextName: 'lab' });
    expect(await modeOf(file)).toBe(0o600);

    const config = await kubectlView(file);
    expect(config['current-context']).toBe('lab');
    expect(config.contexts).toEqual([
      { name: 'lab', context: { cluster: 'lab', user: 'lab-admin' } },
    ]);
    expect(config.clusters).toHaveLength(1);
    expect(config.clusters[0]!.cluster.server).toBe('https://192.168.1.100:6443');
    expect(normalize(pemOf(config.clusters[0]!.cluster['certificate-authority-data']))).toBe(
      normalize(servingCertificateAuthority(ws.secrets(path).pki!).certificatePem),
    );

    const named = join(dir, 'named.kubeconfig');
    await ws.writeKubeconfig(path, { kind: 'file', file: named }, 'home-lab');
    expect((await kubectlView(named))['current-context']).toBe('home-lab');

    ws.lock(path);
    const locked = await rejection(ws.writeKubeconfig(path, { kind: 'file', file: named }));
    expect(locked.code).toBe('permission-denied');
  });

  it('merges into a kubeconfig: keeps other contexts, replaces the same-named one', async (ctx) => {
    tools(ctx, 'kubectl');
    const ws = workspace();
    await ws.create(path, plan(), passphrase);
    const target = join(dir, 'kube', 'config');
    await mkdir(join(dir, 'kube'));
    const existing = [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: other',
      '  cluster: {server: "https://10.9.9.9:6443"}',
      '- name: lab',
      '  cluster: {server: "https://10.1.1.1:6443"}',
      'users:',
      '- name: other',
      '  user: {token: other-token}',
      '- name: lab',
      '  user: {token: stale-token}',
      'contexts:',
      '- name: other',
      '  context: {cluster: other, user: other}',
      '- name: lab',
      '  context: {cluster: lab, user: lab}',
      'current-context: other',
      '',
    ].join('\n');
    await writeFile(target, existing, { mode: 0o600 });

    const written = await ws.writeKubeconfig(path, { kind: 'merge', kubeconfigPath: target });
    expect(written).toEqual({ path: target, backupPath: `${target}.bak`, contextName: 'lab' });
    expect(await readFile(`${target}.bak`, 'utf8')).toBe(existing);
    expect(await modeOf(target)).toBe(0o600);

    const names = await run('kubectl', [
      'config',
      'get-contexts',
      '--kubeconfig',
      target,
      '-o',
      'name',
    ]);
    expect(names.trim().split('\n').sort()).toEqual(['lab', 'other']);
    const config = await kubectlView(target);
    expect(config['current-context']).toBe('lab');
    const server = (name: string) => config.clusters.find((c) => c.name === name)?.cluster.server;
    expect(server('lab')).toBe('https://192.168.1.101:6443');
    expect(server('other')).toBe('https://10.9.9.9:6443');
    expect(config.users.filter((u) => u.name === 'lab')).toHaveLength(1);
    expect(JSON.stringify(config)).not.toContain('stale-token');
    expect(JSON.stringify(config)).toContain('other-token');
  });

  it('merges into the first file of $KUBECONFIG, else ~/.kube/config', async (ctx) => {
    tools(ctx, 'kubectl');
    const first = join(dir, 'first.kubeconfig');
    const second = join(dir, 'second.kubeconfig');
    await writeFile(second, 'apiVersion: v1\nkind: Config\n');
    const ws = workspace({ env: { KUBECONFIG: `${first}:${second}` }, homedir: dir });
    await ws.create(path, plan(), passphrase);
    const written = await ws.writeKubeconfig(path, { kind: 'merge' });
    expect(written.path).toBe(first);
    expect((await kubectlView(first))['current-context']).toBe('lab');
    expect(await readFile(second, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');

    const home = workspace({ env: {}, homedir: join(dir, 'home') });
    await home.unlock(path, passphrase);
    const intoHome = await home.writeKubeconfig(path, { kind: 'merge' }, 'lab-home');
    expect(intoHome.path).toBe(join(dir, 'home', '.kube', 'config'));
    expect((await kubectlView(intoHome.path))['current-context']).toBe('lab-home');
  });

  it.for(['k3s', 'kubeadm', 'k0s'] as const)(
    '%s: openssl verifies the admin certificate against the client CA',
    async (distribution, ctx) => {
      tools(ctx, 'kubectl', 'openssl');
      const ws = workspace();
      await ws.create(path, plan({ distribution, workers: 0 }), passphrase);
      const file = join(dir, 'kubeconfig');
      await ws.writeKubeconfig(path, { kind: 'file', file });
      const config = await kubectlView(file);
      const adminPem = pemOf(config.users[0]!.user['client-certificate-data']);
      const pki = ws.secrets(path).pki!;
      expect(pki.distribution).toBe(distribution);
      // The CA the API server checks client certificates with: k3s keeps its own client CA.
      const clientCa = (pki.distribution === 'k3s' ? pki.clientCa : pki.ca).certificatePem;
      expect(clientCertificateAuthority(pki).certificatePem).toBe(clientCa);

      const adminFile = join(dir, 'admin.pem');
      const caFile = join(dir, 'client-ca.pem');
      await writeFile(adminFile, adminPem);
      await writeFile(caFile, clientCa);
      const verified = await run('openssl', [
        'verify',
        '-purpose',
        'sslclient',
        '-CAfile',
        caFile,
        adminFile,
      ]);
      expect(verified.trim()).toBe(`${adminFile}: OK`);
      const subject = await run('openssl', ['x509', '-noout', '-subject', '-in', adminFile]);
      expect(subject).toMatch(/O ?= ?system:masters/);

      if (pki.distribution === 'k3s') {
        // k3s keeps client and server CAs apart: the server CA must not vouch for the admin.
        const serverCaFile = join(dir, 'server-ca.pem');
        await writeFile(serverCaFile, pki.serverCa.certificatePem);
        await expect(
          run('openssl', ['verify', '-CAfile', serverCaFile, adminFile]),
        ).rejects.toThrow();
      }
    },
  );
});

describe('ClusterWorkspace SSH keys', () => {
  it('holds host keys and a user key that ssh-keygen reads, with the fingerprints the view shows', async (ctx) => {
    tools(ctx, 'ssh-keygen');
    const ws = workspace();
    await ws.create(path, plan(), passphrase);
    const view = await ws.view(path);
    const secrets = ws.secrets(path);
    const keyDir = join(dir, 'keys');
    await mkdir(keyDir, { mode: 0o700 });

    /** Fingerprint of the private and of the public file; checks -y gives the public key back. */
    async function fingerprints(name: string, pair: { privateKey: string; publicKey: string }) {
      const file = join(keyDir, name);
      await writeFile(file, pair.privateKey, { mode: 0o600 });
      await writeFile(`${file}.pub`, `${pair.publicKey}\n`);
      const derived = (await run('ssh-keygen', ['-y', '-f', file])).trim().split(' ');
      expect(derived.slice(0, 2)).toEqual(pair.publicKey.split(' ').slice(0, 2));
      const ofPrivate = (await run('ssh-keygen', ['-l', '-f', file])).split(' ')[1];
      const ofPublic = (await run('ssh-keygen', ['-l', '-f', `${file}.pub`])).split(' ')[1];
      expect(ofPrivate).toBe(ofPublic);
      return ofPublic;
    }

    expect(await fingerprints('user', secrets.ssh!.user!)).toBe(view.secrets.userKeyFingerprint);
    const hostnames = Object.keys(secrets.ssh!.hostKeys);
    expect(hostnames.sort()).toEqual(['rpi-kube-cp-01', 'rpi-kube-worker-01']);
    for (const hostname of hostnames) {
      const keys = secrets.ssh!.hostKeys[hostname]!;
      const shown = view.secrets.hostKeys.find((h) => h.hostname === hostname)!.fingerprints;
      expect([
        await fingerprints(`${hostname}_ed25519`, keys.ed25519),
        await fingerprints(`${hostname}_rsa`, keys.rsa),
      ]).toEqual(shown);
      const rsaBits = (
        await run('ssh-keygen', ['-l', '-f', join(keyDir, `${hostname}_rsa`)])
      ).split(' ')[0];
      expect(rsaBits).toBe('3072');
    }
  });
});

describe('ClusterWorkspace state updates', () => {
  it('records two flashes that finish at the same moment without losing either', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubeflash-ws-race-'));
    try {
      const path = join(dir, 'lab.yaml');
      const ws = new ClusterWorkspace({ vault: { kdf: { N: 2 ** 10, r: 8, p: 1 } } });
      await ws.create(
        path,
        {
          name: 'lab',
          subnet: '192.168.1.0/24',
          gateway: '192.168.1.1',
          dns: ['192.168.1.1'],
          firstIp: '192.168.1.11',
          workers: 3,
        },
        'correct horse battery staple',
      );
      const card = { device: '/dev/loop1', size: 1 << 20, serial: null };
      const hosts = [
        'rpi-kube-cp-01',
        'rpi-kube-worker-01',
        'rpi-kube-worker-02',
        'rpi-kube-worker-03',
      ];
      await Promise.all(hosts.map((h) => ws.recordFlash(path, h, { ok: true, card })));
      const { state } = await ws.view(path);
      expect(hosts.map((h) => state.nodes[h]?.status)).toEqual(hosts.map(() => 'flashed'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
