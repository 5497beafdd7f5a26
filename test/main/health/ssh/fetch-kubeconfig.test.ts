import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { KubeflashError } from '../../../../common/errors';
import {
  type ExecResult,
  fetchKubeconfigFromNode,
  pointKubeconfigAt,
  type SshSession,
} from '../../../../main/health/ssh';
import { readFileCommand } from '../../../../main/health/ssh/fetch-kubeconfig';
import { netnsPrerequisites } from '../../../support/netns';
import { requirePrerequisites } from '../../../support/prerequisites';
import { type SshNodeHost, sshNodeHostPrerequisites } from '../../../support/ssh-node-host';
import { type SimulatedCluster, simulatedCluster, startNode, targetOf } from './simulated-cluster';

const ready =
  netnsPrerequisites().every(([ok]) => ok) && sshNodeHostPrerequisites().every(([ok]) => ok);
const CP = 'rpi-kube-cp-01';

/** What k3s writes: the server is the node's view of itself. */
const K3S_YAML = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg==
`;

describe('fetchKubeconfigFromNode against an OpenSSH server in a network namespace', () => {
  let sim: SimulatedCluster;
  let k3sDir: string;
  let node: SshNodeHost | undefined;

  beforeAll(async () => {
    if (!ready) return;
    sim = await simulatedCluster(0);
    k3sDir = mkdtempSync(join(tmpdir(), 'kf-k3s-etc-'));
    // The node's own /etc/rancher/k3s (the mountpoint is created on this machine if missing).
    node = await startNode(sim, CP, { binds: [{ source: k3sDir, target: '/etc/rancher/k3s' }] });
  }, 120_000);

  afterAll(async () => {
    await node?.stop();
    await sim?.network.cleanup();
    if (k3sDir) rmSync(k3sDir, { recursive: true, force: true });
  });

  it('reads k3s.yaml and points it at the plan endpoint', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const target = targetOf(sim, CP);
    const endpoint = { host: sim.cluster.spec.controlPlane.endpoint, port: 6443 };
    expect(endpoint.host).toBe(target.address);

    const missing = await fetchKubeconfigFromNode(target, sim.credentials, 'k3s', endpoint).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(KubeflashError);
    expect((missing as KubeflashError).code).toBe('not-found');
    expect((missing as KubeflashError).message).toMatch(
      /has no \/etc\/rancher\/k3s\/k3s\.yaml yet/,
    );

    writeFileSync(join(k3sDir, 'k3s.yaml'), K3S_YAML, { mode: 0o600 });
    const text = await fetchKubeconfigFromNode(target, sim.credentials, 'k3s', endpoint);
    const fetched = parse(text);
    const original = parse(K3S_YAML);
    expect(fetched.clusters[0].cluster.server).toBe(`https://${target.address}:6443`);
    fetched.clusters[0].cluster.server = original.clusters[0].cluster.server;
    expect(fetched).toEqual(original);
  });

  it('says what is wrong when the file is not a kubeconfig', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    writeFileSync(join(k3sDir, 'k3s.yaml'), 'apiVersion: v1\nclusters: []\n');
    await expect(
      fetchKubeconfigFromNode(targetOf(sim, CP), sim.credentials, 'k3s', {
        host: '198.18.0.2',
        port: 6443,
      }),
    ).rejects.toThrow(/\/etc\/rancher\/k3s\/k3s\.yaml on rpi-kube-cp-01 is not a kubeconfig/);
  });

  it('reads kubeadm and k0s paths, reporting a missing file by its path', async (ctx) => {
    requirePrerequisites(ctx, [...netnsPrerequisites(), ...sshNodeHostPrerequisites()]);
    const endpoint = { host: '198.18.0.2', port: 6443 };
    await expect(
      fetchKubeconfigFromNode(targetOf(sim, CP), sim.credentials, 'kubeadm', endpoint),
    ).rejects.toThrow(/has no \/etc\/kubernetes\/admin\.conf yet/);
    await expect(
      fetchKubeconfigFromNode(targetOf(sim, CP), sim.credentials, 'k0s', endpoint),
    ).rejects.toThrow(/has no \/var\/lib\/k0s\/pki\/admin\.conf yet/);
  });
});

describe('fetchKubeconfigFromNode as a user other than root', () => {
  const target = {
    hostname: 'rpi-kube-cp-01',
    address: '198.18.0.2',
    role: 'control-plane' as const,
    sshPort: 22,
    apiPort: 6443,
    hostPublicKeys: [],
  };
  const sessionAnswering = (result: ExecResult, commands: string[]) => async () =>
    ({
      hostname: target.hostname,
      usable: true,
      exec: async (command: string) => {
        commands.push(command);
        return result;
      },
      stream: async () => {
        throw new Error('not used');
      },
      close: () => {},
    }) satisfies SshSession;

  it('uses sudo without a prompt, and explains a sudo that wants a password', async () => {
    const commands: string[] = [];
    const open = sessionAnswering(
      { stdout: '', stderr: 'sudo: a password is required\n', code: 1 },
      commands,
    );
    const error = await fetchKubeconfigFromNode(
      target,
      { username: 'pi', privateKey: 'unused' },
      'kubeadm',
      { host: '198.18.0.2', port: 6443 },
      { open },
    ).catch((e: unknown) => e);
    expect(commands).toEqual(["sudo -n cat -- '/etc/kubernetes/admin.conf'"]);
    expect(error).toBeInstanceOf(KubeflashError);
    expect((error as KubeflashError).code).toBe('permission-denied');
    expect((error as KubeflashError).message).toMatch(/user "pi" needs a password for sudo/);
  });

  it('quotes paths and reads as root without sudo', () => {
    expect(readFileCommand("/a b/it's", 'root')).toBe("cat -- '/a b/it'\\''s'");
    expect(readFileCommand('/etc/x', 'ubuntu')).toBe("sudo -n cat -- '/etc/x'");
  });

  it('points every cluster entry at the server and keeps the rest', () => {
    const text = pointKubeconfigAt(K3S_YAML, 'https://[fd00::1]:6443');
    expect(parse(text).clusters[0].cluster.server).toBe('https://[fd00::1]:6443');
    expect(text).toContain('client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCg==');
    expect(() => pointKubeconfigAt('::: not yaml', 'https://x:6443')).toThrow(
      /is not a kubeconfig/,
    );
  });
});
