import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { decodeK0sJoinToken } from '../../../../main/pki';
import {
  type Doc,
  fileAt,
  FIRST_IP,
  nodeOf,
  plan,
  useDistributionSecrets,
  VIP,
  yamlDocuments,
} from './fixtures';

const K0S_YAML = '/etc/k0s/k0s.yaml';
const WORKER_TOKEN = '/etc/kubeflash/k0s/worker-token';
const CONTROLLER_TOKEN = '/etc/kubeflash/k0s/controller-token';
const TOKEN_SECRETS = '/etc/kubeflash/manifests/00-k0s-join-tokens.yaml';

describe('k0s configuration', () => {
  const fixture = useDistributionSecrets('k0s');
  const { filesOf } = fixture;
  const caPem = () =>
    fixture.secrets.pki!.distribution === 'k0s' ? fixture.secrets.pki!.ca.certificatePem : '';

  it('writes k0s.yaml on controllers only, with the API, SANs, kube-router, ranges and etcd peer', () => {
    const cluster = plan('k0s', { vip: true });
    expect(filesOf(cluster, 'worker').map((f) => f.path)).not.toContain(K0S_YAML);
    for (const role of ['init', 'joining control plane'] as const) {
      const node = nodeOf(cluster, role);
      const config = parse(fileAt(filesOf(cluster, role), K0S_YAML).content) as Doc;
      expect(config).toMatchObject({
        apiVersion: 'k0s.k0sproject.io/v1beta1',
        kind: 'ClusterConfig',
        spec: {
          api: { address: node.ip, port: 6443, k0sApiPort: 9443 },
          network: {
            provider: 'kuberouter',
            podCIDR: cluster.spec.network.podCIDR,
            serviceCIDR: cluster.spec.network.serviceCIDR,
          },
          storage: { type: 'etcd', etcd: { peerAddress: node.ip } },
        },
      });
      expect(config.spec.api.sans).toEqual(expect.arrayContaining([node.ip, VIP]));
      expect(config.spec.api).not.toHaveProperty('externalAddress');
      const cplb = config.spec.network.controlPlaneLoadBalancing;
      expect(cplb).toMatchObject({ enabled: true, type: 'Keepalived' });
      expect(cplb.keepalived.vrrpInstances).toHaveLength(1);
      const vrrp = cplb.keepalived.vrrpInstances[0];
      expect(vrrp.virtualIPs).toEqual([`${VIP}/24`]);
      expect(vrrp.interface).toBe('eth0');
      expect(vrrp.authPass).toMatch(/^.{1,8}$/);
    }
  });

  it('has no control-plane load balancing without a virtual IP', () => {
    const cluster = plan('k0s');
    const config = parse(fileAt(filesOf(cluster, 'init'), K0S_YAML).content) as Doc;
    expect(config.spec.network).not.toHaveProperty('controlPlaneLoadBalancing');
    expect(config.spec.api.sans).toEqual([FIRST_IP]);
  });

  for (const vip of [true, false]) {
    const host = vip ? VIP : FIRST_IP;
    it(`writes full join tokens ${vip ? 'for the virtual IP' : 'for the init node'}: the worker token on workers, the controller token on every controller`, () => {
      const cluster = plan('k0s', { vip });
      const init = filesOf(cluster, 'init');
      expect(init.map((f) => f.path)).not.toContain(WORKER_TOKEN);
      // The designated controller's card too: re-flashed into a running cluster, it joins.
      const initController = decodeK0sJoinToken(fileAt(init, CONTROLLER_TOKEN).content);
      expect(initController).toMatchObject({ role: 'controller', server: `https://${host}:9443` });
      expect(`${initController.bootstrapTokenId}.${initController.bootstrapTokenSecret}`).toBe(
        fixture.secrets.tokens!['k0s-controller-bootstrap-token'],
      );

      const workerFiles = filesOf(cluster, 'worker');
      expect(workerFiles.map((f) => f.path)).not.toContain(CONTROLLER_TOKEN);
      const workerFile = fileAt(workerFiles, WORKER_TOKEN);
      expect(workerFile).toMatchObject({ mode: 0o600, secret: true });
      const worker = decodeK0sJoinToken(workerFile.content);
      expect(worker).toMatchObject({
        role: 'worker',
        server: `https://${host}:6443`,
        certificateAuthorityPem: caPem(),
      });
      expect(`${worker.bootstrapTokenId}.${worker.bootstrapTokenSecret}`).toBe(
        fixture.secrets.tokens!['k0s-worker-bootstrap-token'],
      );

      if (vip) {
        const controllerFile = fileAt(filesOf(cluster, 'joining control plane'), CONTROLLER_TOKEN);
        expect(controllerFile).toMatchObject({ mode: 0o600, secret: true });
        const controller = decodeK0sJoinToken(controllerFile.content);
        expect(controller).toMatchObject({ role: 'controller', server: `https://${VIP}:9443` });
        expect(`${controller.bootstrapTokenId}.${controller.bootstrapTokenSecret}`).toBe(
          fixture.secrets.tokens!['k0s-controller-bootstrap-token'],
        );
      }
    });
  }

  it('gives every controller the Secrets that make the pre-shared tokens valid', () => {
    const cluster = plan('k0s', { vip: true });
    expect(filesOf(cluster, 'worker').map((f) => f.path)).not.toContain(TOKEN_SECRETS);
    for (const role of ['init', 'joining control plane'] as const) {
      const file = fileAt(filesOf(cluster, role), TOKEN_SECRETS);
      expect(file).toMatchObject({ mode: 0o600, secret: true });
      const docs = yamlDocuments(file.content) as Doc[];
      const ids = docs.map((d) => `${d.stringData['token-id']}.${d.stringData['token-secret']}`);
      expect(ids.sort()).toEqual(
        [
          fixture.secrets.tokens!['k0s-worker-bootstrap-token'],
          fixture.secrets.tokens!['k0s-controller-bootstrap-token'],
        ].sort(),
      );
      for (const doc of docs) {
        expect(doc).toMatchObject({ kind: 'Secret', type: 'bootstrap.kubernetes.io/token' });
        expect(doc.metadata.name).toBe(`bootstrap-token-${doc.stringData['token-id']}`);
      }
    }
  });
});
