import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Cluster, createCluster } from '../../../../common/cluster';
import { generateHostKeys, generateUserKeyPair } from '../../../../main/pki';
import type { NodeBundle, OsFamily } from '../../../../main/provision/model';
import type { PayloadInput } from '../../../../main/provision/payload';
import type { Secrets } from '../../../../main/secrets';

/** Plans are data: nothing here ever connects to these addresses. */
export const subnet = '192.168.1.0/24';
export const gateway = '192.168.1.1';
export const firstIp = '192.168.1.101';
export const dns = ['192.168.1.1', '9.9.9.9'];
export const ssid = 'Lab Net 5G';
export const wifiPassphrase = 'correct horse battery';
/** Plain text that must never appear on a card. */
export const plainPassword = 'hunter2-plain';

export type Iface = 'eth0' | 'wlan0';
export type Addressing = 'static' | 'dhcp';

/** The first node of every fixture plan (its init control plane). */
export const nodeName = 'lab-cp-01';

export const entryPoint = '/var/lib/kubeflash/bootstrap.sh';
export const secretTokenPath = '/etc/kubeflash/tokens/join';
export const secretToken = 'K10-secret-join-token-0123456789';

/** A tiny stand-in for the distribution layer's bundle: an entry script and one secret. */
export function fakeBundle(): NodeBundle {
  return {
    entryPoint,
    files: [
      {
        path: entryPoint,
        content: '#!/bin/sh\necho bootstrap >/var/lib/kubeflash/ran\n',
        mode: 0o755,
        secret: false,
      },
      {
        path: '/etc/kubeflash/node.json',
        content: '{"hostname":"x"}\n',
        mode: 0o644,
        secret: false,
      },
      { path: secretTokenPath, content: `${secretToken}\n`, mode: 0o600, secret: true },
    ],
  };
}

export function plan(iface: Iface, addressing: Addressing, userKey?: string): Cluster {
  return createCluster({
    name: 'lab',
    controlPlanes: 1,
    workers: 1,
    hostnamePrefix: 'lab',
    subnet,
    gateway,
    dns,
    firstIp,
    interface: iface,
    addressing,
    ...(iface === 'wlan0' ? { wifi: { ssid, country: 'de', hidden: true } } : {}),
    sshUser: 'kube',
    authorizedKeys: userKey ? [userKey] : [],
    timezone: 'Europe/Berlin',
  });
}

export interface KeyMaterial {
  secrets: Secrets;
  /** A key of "the user" in the plan, besides the app's own. */
  planKey: string;
}

/** Keys are slow (RSA): make them once per test file. */
export async function keyMaterial(hostnames: string[]): Promise<KeyMaterial> {
  const [app, person, ...hostKeys] = await Promise.all([
    generateUserKeyPair('kubeflash@app'),
    generateUserKeyPair('me@laptop'),
    ...hostnames.map((name) => generateHostKeys(name)),
  ]);
  return {
    planKey: person!.publicKey,
    secrets: {
      version: 1,
      ssh: {
        user: app!,
        hostKeys: Object.fromEntries(hostnames.map((name, i) => [name, hostKeys[i]!])),
      },
      wifiPassphrase,
    },
  };
}

export function input(
  keys: KeyMaterial,
  family: OsFamily,
  iface: Iface,
  addressing: Addressing,
  overrides: Partial<PayloadInput> = {},
): PayloadInput {
  const cluster = plan(iface, addressing, keys.planKey);
  return {
    cluster,
    node: cluster.spec.nodes[0]!,
    secrets: keys.secrets,
    family,
    bundle: fakeBundle(),
    flashedAt: new Date('2025-06-01T12:00:00Z'),
    instanceId: `kubeflash-${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

export const combos: [Iface, Addressing][] = [
  ['eth0', 'static'],
  ['eth0', 'dhcp'],
  ['wlan0', 'static'],
  ['wlan0', 'dhcp'],
];

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kubeflash-payload-${prefix}-`));
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a tool, never throwing: tests assert on status and output. */
export function run(command: string, args: string[], stdin?: string): RunResult {
  const result = spawnSync(command, args, { encoding: 'utf8', input: stdin, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** shellcheck a script text as POSIX sh; returns its findings (empty when clean). */
export function shellcheck(text: string, shell: 'sh' | 'bash' = 'sh'): string {
  const result = run('shellcheck', ['-s', shell, '-'], text);
  return result.status === 0 ? '' : result.stdout + result.stderr;
}

export function decode(content: Uint8Array): string {
  return Buffer.from(content).toString('utf8');
}

export function sh(command: string): string {
  return execFileSync('sh', ['-c', command], { encoding: 'utf8' });
}
