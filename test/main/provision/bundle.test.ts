import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { type Cluster, createCluster } from '../../../common/cluster';
import { generateClusterSecrets } from '../../../main/cluster';
import { bootstrapEntryPath, nodeBundle } from '../../../main/provision/bundle';
import type { Secrets } from '../../../main/secrets';
import { hasCommand, requirePrerequisite } from '../../support/prerequisites';

describe('node bundle', () => {
  let cluster: Cluster;
  let secrets: Secrets;
  const flashedAt = new Date('2026-11-22T10:00:00Z');

  beforeAll(async () => {
    cluster = createCluster({
      name: 'lab',
      subnet: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dns: ['192.168.1.1'],
      firstIp: '192.168.1.11',
      controlPlanes: 1,
      workers: 1,
    });
    secrets = await generateClusterSecrets(cluster, flashedAt);
  }, 60_000);

  const byPath = (bundle: ReturnType<typeof nodeBundle>) =>
    new Map(bundle.files.map((f) => [f.path, f]));

  it('gives a control-plane node the CA keys and a worker only the certificates', () => {
    const [server, worker] = cluster.spec.nodes;
    const cp = byPath(nodeBundle(cluster, server!, secrets, flashedAt));
    const wk = byPath(nodeBundle(cluster, worker!, secrets, flashedAt));
    expect(cp.get('/var/lib/rancher/k3s/server/tls/server-ca.key')).toMatchObject({
      mode: 0o600,
      secret: true,
    });
    expect(wk.has('/var/lib/rancher/k3s/server/tls/server-ca.key')).toBe(false);
    expect(wk.get('/var/lib/rancher/k3s/server/tls/server-ca.crt')).toMatchObject({
      mode: 0o644,
      secret: false,
    });
    for (const file of wk.values()) expect(file.content).not.toContain('PRIVATE KEY');
  });

  it('carries the node config without secrets, the flash time and the entry point', () => {
    const bundle = nodeBundle(cluster, cluster.spec.nodes[1]!, secrets, flashedAt);
    const files = byPath(bundle);
    const config = JSON.parse(files.get('/etc/kubeflash/node.json')!.content);
    expect(config).toMatchObject({
      hostname: 'rpi-kube-worker-01',
      role: 'worker',
      init: false,
      address: '192.168.1.12',
    });
    expect(config.endpoint).toEqual({ host: '192.168.1.11', port: 6443 });
    expect(files.get('/etc/kubeflash/node.json')!.content).not.toMatch(
      /PRIVATE KEY|k3s-server-secret/,
    );
    expect(files.get('/etc/kubeflash/flash-time')!.content.trim()).toBe(
      String(flashedAt.getTime() / 1000),
    );
    expect(bundle.entryPoint).toBe(bootstrapEntryPath);
    expect(files.get(bootstrapEntryPath)).toMatchObject({ mode: 0o755 });
    const token = files.get('/etc/kubeflash/tokens/k3s-server-secret');
    expect(token).toMatchObject({ mode: 0o600, secret: true });
    expect(token!.content.trim()).toBe(secrets.tokens!['k3s-server-secret']);
  });

  it('has an entry script that shellcheck and dash accept', (ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('shellcheck') && hasCommand('dash'),
      'shellcheck and dash are needed',
    );
    const dir = mkdtempSync(join(tmpdir(), 'kubeflash-bundle-'));
    try {
      const script = join(dir, 'bootstrap.sh');
      const bundle = nodeBundle(cluster, cluster.spec.nodes[0]!, secrets, flashedAt);
      writeFileSync(script, byPath(bundle).get(bootstrapEntryPath)!.content);
      execFileSync('shellcheck', ['-s', 'sh', script]);
      execFileSync('dash', ['-n', script]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
