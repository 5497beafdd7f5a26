import { beforeAll, describe, expect, it } from 'vitest';

import { distributionNames, setInitNode, setNodeRole } from '../../../../common/cluster';
import { distributionFiles } from '../../../../main/distro/config';
import type { NodeFile } from '../../../../main/provision/model';
import type { Secrets } from '../../../../main/secrets';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import { kustomizeCheck, plan, secretsFor, yamlDocuments } from './fixtures';

const MANIFESTS = '/etc/kubeflash/manifests/';
const ADDON_FILES = [
  '30-metallb.yaml',
  '31-metallb-pool.yaml',
  '40-nfs-provisioner.yaml',
  '50-dashboard.yaml',
];

/** Every secret string a card may carry, as it would appear in a file. */
function secretValues(files: NodeFile[], secrets: Secrets): string[] {
  const values = Object.values(secrets.tokens ?? {});
  // k3s's full token and k0s's join tokens are derived from the vault's values.
  for (const file of files) {
    const k3s = /K10[0-9a-f]{64}::server:\S+/.exec(file.content);
    if (k3s) values.push(k3s[0]);
  }
  return values;
}

describe('distribution files: every distribution × role × virtual IP × add-ons', () => {
  const secrets = new Map<string, Secrets>();
  beforeAll(async () => {
    for (const name of distributionNames) secrets.set(name, await secretsFor(name));
  });

  for (const distribution of distributionNames) {
    for (const vip of [true, false]) {
      for (const addons of [true, false]) {
        const label = `${distribution}, ${vip ? 'VIP' : 'no VIP'}, add-ons ${addons ? 'on' : 'off'}`;

        it(`${label}: tokens only in secret 0600 files, no private key, unique paths`, () => {
          const cluster = plan(distribution, { vip, addons });
          const vault = secrets.get(distribution)!;
          for (const node of cluster.spec.nodes) {
            const files = distributionFiles(cluster, node, vault);
            expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
            const values = secretValues(files, vault);
            expect(values.length).toBeGreaterThan(0);
            for (const file of files) {
              expect(file.path.startsWith('/')).toBe(true);
              expect(file.content).not.toMatch(/PRIVATE KEY/);
              const holdsSecret =
                values.some((v) => file.content.includes(v)) ||
                /worker-token$|controller-token$/.test(file.path);
              if (holdsSecret) expect(file, file.path).toMatchObject({ mode: 0o600, secret: true });
              if (file.secret) expect(file.mode).toBe(0o600);
              else expect(file.mode & 0o077, file.path).toBe(file.mode === 0o755 ? 0o055 : 0o044);
            }
          }
        });

        it(`${label}: add-on manifests on control planes only, each a list of named objects`, () => {
          const cluster = plan(distribution, { vip, addons });
          const vault = secrets.get(distribution)!;
          for (const node of cluster.spec.nodes) {
            const manifests = distributionFiles(cluster, node, vault).filter((f) =>
              f.path.startsWith(MANIFESTS),
            );
            if (node.role === 'worker') {
              expect(manifests).toEqual([]);
              continue;
            }
            const names = manifests.map((f) => f.path.slice(MANIFESTS.length));
            expect(names).toEqual([...names].sort());
            for (const name of names) expect(name).toMatch(/^\d\d-[a-z0-9-]+\.yaml$/);
            for (const addon of ADDON_FILES) expect(names.includes(addon)).toBe(addons);
            expect(names.includes('20-flannel.yaml')).toBe(distribution === 'kubeadm');
            expect(names.includes('10-kube-vip.yaml')).toBe(distribution === 'k3s' && vip);
            expect(names.includes('00-k0s-join-tokens.yaml')).toBe(distribution === 'k0s');
            for (const manifest of manifests) {
              const docs = yamlDocuments(manifest.content);
              expect(docs.length).toBeGreaterThan(0);
              for (const doc of docs) {
                expect(typeof doc.apiVersion, manifest.path).toBe('string');
                expect(typeof doc.kind, manifest.path).toBe('string');
                expect(typeof (doc.metadata as { name?: unknown })?.name, manifest.path).toBe(
                  'string',
                );
              }
            }
          }
        });
      }
    }
  }

  it('passes every manifest through kubectl kustomize (offline: no API server needed)', (ctx) => {
    requirePrerequisite(ctx, hasCommand('kubectl'), 'kubectl is needed');
    for (const distribution of distributionNames) {
      const cluster = plan(distribution, { vip: true, addons: true });
      const files = distributionFiles(cluster, cluster.spec.nodes[0]!, secrets.get(distribution)!);
      const manifests = files.filter(
        (f) => f.path.startsWith(MANIFESTS) || f.path.endsWith('/kube-vip.yaml'),
      );
      expect(manifests.length).toBeGreaterThan(3);
      for (const manifest of manifests)
        expect(kustomizeCheck(manifest.content), manifest.path).toBeNull();
    }
    // The check can fail: an object without a name is rejected.
    expect(kustomizeCheck('apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n')).toMatch(/name/);
  });

  it('refuses a node outside the plan and secrets without a CA; a demoted node never initialises', () => {
    const cluster = plan('k3s');
    const vault = secrets.get('k3s')!;
    expect(() =>
      distributionFiles(cluster, { hostname: 'stranger', role: 'worker' }, vault),
    ).toThrow(/stranger is not a node of the cluster lab/);
    const noPki = { ...vault, pki: undefined };
    expect(() => distributionFiles(cluster, cluster.spec.nodes[0]!, noPki)).toThrow(
      /no cluster CA/,
    );
    // A node demoted from init never gets cluster-init; the new init node does.
    const ha = plan('k3s', { vip: true });
    const demoted = setInitNode(setNodeRole(ha, 'rpi-kube-cp-01', 'worker'), 'rpi-kube-cp-02');
    const initialising = demoted.spec.nodes.filter((node) =>
      distributionFiles(demoted, node, vault).some((f) => f.content.includes('cluster-init')),
    );
    expect(initialising.map((n) => n.hostname)).toEqual(['rpi-kube-cp-02']);
  });

  it('refuses a plan that does not validate, naming the field', () => {
    const cluster = plan('kubeadm', { vip: true });
    const vault = secrets.get('kubeadm')!;
    const broken = structuredClone(cluster);
    broken.spec.nodes[1]!.hostname = 'cp 02\n  server evil';
    expect(() => distributionFiles(broken, broken.spec.nodes[0]!, vault)).toThrow(
      /The plan has an error at spec\.nodes\.1\.hostname/,
    );
    const noInit = structuredClone(cluster);
    delete noInit.spec.nodes[0]!.init;
    expect(() => distributionFiles(noInit, noInit.spec.nodes[1]!, vault)).toThrow(
      /Mark exactly one control-plane node/,
    );
  });
});
