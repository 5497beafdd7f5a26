import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { distributionFiles, KUBEADM_BOOTSTRAP_TOKEN_TTL } from '../../../../main/distro/config';
import type { NodeFile } from '../../../../main/provision/model';
import type { Secrets } from '../../../../main/secrets';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import {
  type Doc,
  fileAt,
  FIRST_IP,
  nodeOf,
  plan,
  secretsFor,
  useDistributionSecrets,
  VIP,
  withTempDir,
  yamlDocuments,
} from './fixtures';

const INIT = '/etc/kubeflash/kubeadm/init.yaml';
const JOIN = '/etc/kubeflash/kubeadm/join.yaml';
const INIT_OPENRC = '/etc/kubeflash/kubeadm/openrc/init.yaml';
const JOIN_OPENRC = '/etc/kubeflash/kubeadm/openrc/join.yaml';

describe('kubeadm configuration', () => {
  const fixture = useDistributionSecrets('kubeadm');

  const { filesOf } = fixture;
  const byKind = (file: NodeFile) =>
    Object.fromEntries(yamlDocuments(file.content).map((d) => [d.kind, d as Doc]));

  it('gives exactly the init node an InitConfiguration and every node a JoinConfiguration', () => {
    for (const vip of [true, false]) {
      const cluster = plan('kubeadm', { vip });
      for (const node of cluster.spec.nodes) {
        const paths = distributionFiles(cluster, node, fixture.secrets).map((f) => f.path);
        for (const path of [JOIN, JOIN_OPENRC]) expect(paths).toContain(path);
        for (const path of [INIT, INIT_OPENRC]) {
          if (node.init) expect(paths).toContain(path);
          else expect(paths).not.toContain(path);
        }
      }
    }
  });

  it('gives the init node a control-plane JoinConfiguration for a re-flash into a running cluster, the token in it', () => {
    const cluster = plan('kubeadm', { vip: true });
    const files = filesOf(cluster, 'init');
    for (const path of [JOIN, JOIN_OPENRC]) {
      const file = fileAt(files, path);
      expect(file).toMatchObject({ mode: 0o600, secret: true });
      const join = yamlDocuments(file.content)[0] as Doc;
      expect(join.kind).toBe('JoinConfiguration');
      expect(join.discovery.bootstrapToken.token).toBe(
        fixture.secrets.tokens!['kubeadm-bootstrap-token'],
      );
      expect(join.controlPlane.localAPIEndpoint).toEqual({
        advertiseAddress: nodeOf(cluster, 'init').ip,
        bindPort: 6444,
      });
    }
    expect(yamlDocuments(fileAt(files, JOIN_OPENRC).content)[0]).toMatchObject({
      patches: { directory: '/etc/kubeflash/kubeadm/openrc/patches' },
    });
  });

  for (const vip of [true, false]) {
    const endpoint = `${vip ? VIP : FIRST_IP}:6443`;
    // Behind haproxy the apiserver moves to 6444; without a VIP it serves the plan's port.
    const apiPort = vip ? 6444 : 6443;

    describe(vip ? 'with keepalived + haproxy' : 'without a virtual IP', () => {
      it('initialises with the fixed token, a deliberate TTL and the plan', () => {
        const cluster = plan('kubeadm', { vip });
        const init = nodeOf(cluster, 'init');
        const file = fileAt(filesOf(cluster, 'init'), INIT);
        expect(file).toMatchObject({ mode: 0o600, secret: true });
        const docs = byKind(file);
        expect(Object.keys(docs).sort()).toEqual(
          ['ClusterConfiguration', 'InitConfiguration', 'KubeletConfiguration'].sort(),
        );
        for (const kind of ['ClusterConfiguration', 'InitConfiguration'])
          expect(docs[kind]!.apiVersion).toBe('kubeadm.k8s.io/v1beta4');
        const initConfig = docs.InitConfiguration!;
        expect(initConfig.bootstrapTokens).toHaveLength(1);
        expect(initConfig.bootstrapTokens[0]).toMatchObject({
          token: fixture.secrets.tokens!['kubeadm-bootstrap-token'],
          ttl: KUBEADM_BOOTSTRAP_TOKEN_TTL,
          usages: ['signing', 'authentication'],
        });
        expect(KUBEADM_BOOTSTRAP_TOKEN_TTL).toBe('168h0m0s');
        expect(initConfig.localAPIEndpoint).toEqual({
          advertiseAddress: init.ip,
          bindPort: apiPort,
        });
        expect(initConfig.nodeRegistration).toEqual({
          name: init.hostname,
          criSocket: 'unix:///run/containerd/containerd.sock',
          kubeletExtraArgs: [{ name: 'node-ip', value: init.ip }],
        });
        const clusterConfig = docs.ClusterConfiguration!;
        expect(clusterConfig).toMatchObject({
          kubernetesVersion: cluster.spec.distribution.version,
          controlPlaneEndpoint: endpoint,
          networking: {
            podSubnet: cluster.spec.network.podCIDR,
            serviceSubnet: cluster.spec.network.serviceCIDR,
          },
        });
        expect(clusterConfig.apiServer.certSANs).toContain(vip ? VIP : FIRST_IP);
        expect(docs.KubeletConfiguration).toMatchObject({
          apiVersion: 'kubelet.config.k8s.io/v1beta1',
          cgroupDriver: 'systemd',
        });
        expect(
          byKind(fileAt(filesOf(cluster, 'init'), INIT_OPENRC)).KubeletConfiguration,
        ).toMatchObject({ cgroupDriver: 'cgroupfs' });
      });

      it('joins workers through the endpoint, pinned by the CA hash computed with openssl', (ctx) => {
        requirePrerequisite(ctx, hasCommand('openssl'), 'openssl is needed to hash the CA key');
        const cluster = plan('kubeadm', { vip });
        const files = filesOf(cluster, 'worker');
        const file = fileAt(files, JOIN);
        expect(file).toMatchObject({ mode: 0o600, secret: true });
        const join = yamlDocuments(file.content) as Doc[];
        expect(join).toHaveLength(1);
        expect(join[0]).toMatchObject({
          apiVersion: 'kubeadm.k8s.io/v1beta4',
          kind: 'JoinConfiguration',
          discovery: {
            bootstrapToken: {
              apiServerEndpoint: endpoint,
              token: fixture.secrets.tokens!['kubeadm-bootstrap-token'],
              caCertHashes: [opensslCaHash(fixture.secrets)],
            },
          },
          nodeRegistration: { name: nodeOf(cluster, 'worker').hostname },
          patches: { directory: '/etc/kubeflash/kubeadm/patches' },
        });
        expect(join[0]).not.toHaveProperty('controlPlane');
        expect(
          parse(
            fileAt(files, '/etc/kubeflash/kubeadm/patches/kubeletconfiguration+merge.yaml').content,
          ),
        ).toEqual({ cgroupDriver: 'systemd' });
        const openrc = yamlDocuments(fileAt(files, JOIN_OPENRC).content)[0] as Doc;
        expect(openrc.patches).toEqual({ directory: '/etc/kubeflash/kubeadm/openrc/patches' });
        expect(
          parse(
            fileAt(files, '/etc/kubeflash/kubeadm/openrc/patches/kubeletconfiguration+merge.yaml')
              .content,
          ),
        ).toEqual({ cgroupDriver: 'cgroupfs' });
      });
    });
  }

  it('joins the other control planes with their own API endpoint and no certificate key', () => {
    const cluster = plan('kubeadm', { vip: true });
    const node = nodeOf(cluster, 'joining control plane');
    const join = yamlDocuments(
      fileAt(filesOf(cluster, 'joining control plane'), JOIN).content,
    )[0] as Doc;
    expect(join.controlPlane).toEqual({
      localAPIEndpoint: { advertiseAddress: node.ip, bindPort: 6444 },
    });
    expect(join.discovery.bootstrapToken.apiServerEndpoint).toBe(`${VIP}:6443`);
  });

  it('with kube-vip: a static pod on control planes, the API on the plan port, no keepalived', () => {
    const cluster = plan('kubeadm', { vip: true });
    cluster.spec.controlPlane.virtualIP!.provider = 'kube-vip';
    for (const role of ['init', 'joining control plane', 'worker'] as const) {
      const files = filesOf(cluster, role);
      const paths = files.map((f) => f.path);
      expect(paths).not.toContain('/etc/keepalived/keepalived.conf');
      expect(paths).not.toContain('/etc/haproxy/haproxy.cfg');
      if (role === 'worker') {
        expect(paths).not.toContain('/etc/kubernetes/manifests/kube-vip.yaml');
        continue;
      }
      const [pod] = yamlDocuments(
        fileAt(files, '/etc/kubernetes/manifests/kube-vip.yaml').content,
      ) as Doc[];
      expect(pod).toMatchObject({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'kube-vip', namespace: 'kube-system' },
      });
      const env = Object.fromEntries(
        pod!.spec.containers[0].env.map((e: Doc) => [e.name, e.value]),
      );
      expect(env).toMatchObject({
        address: VIP,
        port: '6443',
        vip_interface: 'eth0',
        cp_enable: 'true',
        vip_arp: 'true',
      });
      // Before `kubeadm init` finishes only super-admin.conf has rights (Kubernetes 1.29+).
      expect(pod!.spec.volumes[0].hostPath.path).toBe(
        role === 'init' ? '/etc/kubernetes/super-admin.conf' : '/etc/kubernetes/admin.conf',
      );
      const config = yamlDocuments(fileAt(files, role === 'init' ? INIT : JOIN).content) as Doc[];
      const endpointDoc =
        role === 'init' ? config[0]!.localAPIEndpoint : config[0]!.controlPlane.localAPIEndpoint;
      expect(endpointDoc.bindPort).toBe(6443);
      expect(config[0]!.nodeRegistration.ignorePreflightErrors).toEqual([
        'DirAvailable--etc-kubernetes-manifests',
      ]);
    }
  });

  it('refuses a PKI of another distribution and a malformed token', async () => {
    const cluster = plan('kubeadm');
    const k3s = await secretsFor('k3s');
    expect(() => distributionFiles(cluster, nodeOf(cluster, 'init'), k3s)).toThrow(
      /made for a k3s cluster, but the plan runs kubeadm/,
    );
    const bad = { ...fixture.secrets, tokens: { 'kubeadm-bootstrap-token': 'not-a-token' } };
    expect(() => distributionFiles(cluster, nodeOf(cluster, 'init'), bad)).toThrow(
      /bootstrap token/,
    );
  });
});

/** kubeadm's documented recipe: sha256 of the CA's public key in DER. */
function opensslCaHash(secrets: Secrets): string {
  const pki = secrets.pki!;
  if (pki.distribution !== 'kubeadm') throw new Error('not a kubeadm PKI');
  return withTempDir((dir) => {
    const ca = join(dir, 'ca.crt');
    writeFileSync(ca, pki.ca.certificatePem);
    const pem = execFileSync('openssl', ['x509', '-pubkey', '-noout', '-in', ca]);
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: pem });
    const hex = execFileSync('sha256sum', { input: der, encoding: 'utf8' }).split(' ')[0];
    return `sha256:${hex}`;
  });
}
