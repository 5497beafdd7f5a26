import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { type Cluster, setInitNode } from '../../../../common/cluster';
import { distributionFiles } from '../../../../main/distro/config';
import { clusterPkiFiles } from '../../../../main/pki';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import {
  fileAt,
  FIRST_IP,
  nodeOf,
  plan,
  type RoleCase,
  useDistributionSecrets,
  VIP,
  withTempDir,
} from './fixtures';

const CONFIG = '/etc/rancher/k3s/config.yaml';

describe('k3s config.yaml', () => {
  const fixture = useDistributionSecrets('k3s');

  const configOf = (cluster: Cluster, role: RoleCase) => {
    const file = fileAt(distributionFiles(cluster, nodeOf(cluster, role), fixture.secrets), CONFIG);
    return { file, config: parse(file.content) as Record<string, unknown> };
  };

  for (const vip of [true, false]) {
    describe(vip ? 'with a virtual IP' : 'without a virtual IP', () => {
      const endpoint = vip ? VIP : FIRST_IP;

      it('starts embedded etcd on the init node only, and joins everyone else through the endpoint', () => {
        const cluster = plan('k3s', { vip });
        const init = configOf(cluster, 'init').config;
        expect(init['cluster-init']).toBe(true);
        expect(init).not.toHaveProperty('server');
        const worker = configOf(cluster, 'worker').config;
        expect(worker).not.toHaveProperty('cluster-init');
        expect(worker.server).toBe(`https://${endpoint}:6443`);
        if (vip) {
          const server = configOf(cluster, 'joining control plane').config;
          expect(server).not.toHaveProperty('cluster-init');
          expect(server.server).toBe(`https://${VIP}:6443`);
        }
        const initialising = cluster.spec.nodes.filter((node) => {
          const config = parse(
            fileAt(distributionFiles(cluster, node, fixture.secrets), CONFIG).content,
          );
          return config['cluster-init'] === true;
        });
        expect(initialising.map((n) => n.hostname)).toEqual([nodeOf(cluster, 'init').hostname]);
      });

      it("gives servers the plan's network, SANs and node address; agents only what they read", () => {
        const cluster = plan('k3s', { vip });
        const init = nodeOf(cluster, 'init');
        const { config } = configOf(cluster, 'init');
        expect(config).toMatchObject({
          'node-ip': init.ip,
          'node-name': init.hostname,
          'cluster-cidr': cluster.spec.network.podCIDR,
          'service-cidr': cluster.spec.network.serviceCIDR,
          'flannel-backend': 'vxlan',
          'flannel-iface': 'eth0',
          'write-kubeconfig-mode': '0600',
        });
        expect(config['tls-san']).toContain(endpoint);
        if (vip) expect(config['tls-san']).toContain(VIP);
        const worker = configOf(cluster, 'worker').config;
        expect(Object.keys(worker).sort()).toEqual(
          ['flannel-iface', 'node-ip', 'node-name', 'server', 'token'].sort(),
        );
        expect(worker['node-ip']).toBe(nodeOf(cluster, 'worker').ip);
      });
    });
  }

  it('disables servicelb exactly when MetalLB runs', () => {
    expect(configOf(plan('k3s', { addons: true }), 'init').config.disable).toEqual(['servicelb']);
    expect(configOf(plan('k3s'), 'init').config).not.toHaveProperty('disable');
  });

  it('follows the plan: host-gw, another API port, another init node', () => {
    let cluster = plan('k3s', { vip: true });
    cluster.spec.network.flannelBackend = 'host-gw';
    cluster.spec.controlPlane.port = 7443;
    cluster = setInitNode(cluster, 'rpi-kube-cp-02');
    const init = configOf(cluster, 'init').config;
    expect(nodeOf(cluster, 'init').hostname).toBe('rpi-kube-cp-02');
    expect(init).toMatchObject({ 'flannel-backend': 'host-gw', 'https-listen-port': 7443 });
    const cp01 = cluster.spec.nodes[0]!;
    const other = parse(fileAt(distributionFiles(cluster, cp01, fixture.secrets), CONFIG).content);
    expect(other).not.toHaveProperty('cluster-init');
    expect(other.server).toBe(`https://${VIP}:7443`);
  });

  it('carries the secure token, whose CA hash is the sha256 of server-ca.crt as written to the card', (ctx) => {
    requirePrerequisite(ctx, hasCommand('sha256sum'), 'sha256sum (coreutils) is needed');
    const cluster = plan('k3s', { vip: true });
    const { file, config } = configOf(cluster, 'worker');
    expect(file).toMatchObject({ mode: 0o600, secret: true });
    const caFile = clusterPkiFiles(fixture.secrets.pki!).find((f) =>
      f.path.endsWith('/server-ca.crt'),
    )!;
    // Independently of k3sHashCA: the card's bytes through sha256sum.
    const expected = withTempDir((dir) => {
      writeFileSync(join(dir, 'server-ca.crt'), caFile.contents);
      return execFileSync('sha256sum', [join(dir, 'server-ca.crt')], { encoding: 'utf8' }).split(
        ' ',
      )[0];
    });
    const match = /^K10([0-9a-f]{64})::server:(.+)$/.exec(String(config.token));
    expect(match).not.toBeNull();
    expect(match![1]).toBe(expected);
    expect(match![2]).toBe(fixture.secrets.tokens!['k3s-server-secret']);
    expect(createHash('sha256').update(caFile.contents).digest('hex')).toBe(expected);
    // The same token on every node.
    expect(configOf(cluster, 'init').config.token).toBe(config.token);
  });

  it('refuses secrets without the k3s server secret', () => {
    const cluster = plan('k3s');
    const without = { ...fixture.secrets, tokens: {} };
    expect(() => distributionFiles(cluster, nodeOf(cluster, 'init'), without)).toThrow(
      /k3s-server-secret/,
    );
  });
});
