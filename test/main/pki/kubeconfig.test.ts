import { stat } from 'node:fs/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  apiServerUrl,
  buildKubeconfig,
  type ClusterPki,
  generateClusterPki,
  issueAdminClientCertificate,
  servingCertificateAuthority,
} from '../../../main/pki';
import { makeTempDir, runOk, type TempDir } from './helpers';

let dir: TempDir;
let pki: ClusterPki;
let kubeconfig: string;
let admin: { certificatePem: string; privateKeyPem: string };

beforeAll(async () => {
  dir = await makeTempDir();
  pki = await generateClusterPki({ distribution: 'k3s', clusterName: 'lab' });
  admin = await issueAdminClientCertificate(pki);
  kubeconfig = buildKubeconfig({
    clusterName: 'lab',
    contextName: 'lab-admin@lab',
    server: apiServerUrl('192.168.50.10'),
    certificateAuthorityPem: servingCertificateAuthority(pki).certificatePem,
    clientCertificatePem: admin.certificatePem,
    clientKeyPem: admin.privateKeyPem,
  });
});

afterAll(async () => {
  await dir?.remove();
});

interface KubectlConfig {
  'current-context': string;
  clusters: Array<{
    name: string;
    cluster: { server: string; 'certificate-authority-data': string };
  }>;
  contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
  users: Array<{
    name: string;
    user: { 'client-certificate-data': string; 'client-key-data': string };
  }>;
}

describe('buildKubeconfig', () => {
  it('is read by kubectl with the right server, context and embedded credentials', async () => {
    const file = await dir.write('kubeconfig', kubeconfig);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const view = JSON.parse(
      await runOk('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json']),
    ) as KubectlConfig;
    expect(view['current-context']).toBe('lab-admin@lab');
    expect(view.clusters).toHaveLength(1);
    expect(view.clusters[0]!.name).toBe('lab');
    expect(view.clusters[0]!.cluster.server).toBe('https://192.168.50.10:6443');
    const caData = Buffer.from(view.clusters[0]!.cluster['certificate-authority-data'], 'base64');
    expect(caData.toString()).toBe(servingCertificateAuthority(pki).certificatePem);
    expect(view.contexts).toEqual([
      { name: 'lab-admin@lab', context: { cluster: 'lab', user: 'lab-admin' } },
    ]);
    const user = view.users[0]!.user;
    expect(Buffer.from(user['client-certificate-data'], 'base64').toString()).toBe(
      admin.certificatePem,
    );
    expect(Buffer.from(user['client-key-data'], 'base64').toString()).toBe(admin.privateKeyPem);
  });

  it('lists its context as current in kubectl config get-contexts', async () => {
    const file = await dir.write('kubeconfig-contexts', kubeconfig);
    const out = await runOk('kubectl', ['config', 'get-contexts', '--kubeconfig', file]);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]!.split(/\s+/)).toEqual(['*', 'lab-admin@lab', 'lab', 'lab-admin']);
    const current = await runOk('kubectl', ['config', 'current-context', '--kubeconfig', file]);
    expect(current.trim()).toBe('lab-admin@lab');
  });

  it('is plain kubeconfig YAML (apiVersion v1, kind Config)', () => {
    const doc = parse(kubeconfig) as Record<string, unknown>;
    expect(doc.apiVersion).toBe('v1');
    expect(doc.kind).toBe('Config');
    expect(kubeconfig).not.toContain('BEGIN'); // PEM only appears base64-encoded
  });

  it('keeps an IPv6 server usable by kubectl', async () => {
    const file = await dir.write(
      'kubeconfig-v6',
      buildKubeconfig({
        clusterName: 'v6',
        contextName: 'v6',
        userName: 'me',
        server: apiServerUrl('fd00::10'),
        certificateAuthorityPem: servingCertificateAuthority(pki).certificatePem,
        clientCertificatePem: admin.certificatePem,
        clientKeyPem: admin.privateKeyPem,
      }),
    );
    const server = await runOk('kubectl', [
      'config',
      'view',
      '--kubeconfig',
      file,
      '-o',
      'jsonpath={.clusters[0].cluster.server}',
    ]);
    expect(server).toBe('https://[fd00::10]:6443');
  });

  it('rejects a non-https server, empty names and non-PEM material', () => {
    const base = {
      clusterName: 'lab',
      contextName: 'lab',
      server: 'https://10.0.0.1:6443',
      certificateAuthorityPem: servingCertificateAuthority(pki).certificatePem,
      clientCertificatePem: admin.certificatePem,
      clientKeyPem: admin.privateKeyPem,
    };
    expect(() => buildKubeconfig({ ...base, server: 'http://10.0.0.1:6443' })).toThrow(/https/);
    expect(() => buildKubeconfig({ ...base, server: 'not a url' })).toThrow(/not a URL/);
    expect(() => buildKubeconfig({ ...base, contextName: '' })).toThrow(/context name/);
    expect(() => buildKubeconfig({ ...base, clientKeyPem: 'secret' })).toThrow(/client key/);
    expect(() =>
      buildKubeconfig({ ...base, certificateAuthorityPem: admin.privateKeyPem }),
    ).toThrow(/certificate authority/);
  });
});

describe('apiServerUrl', () => {
  it('brackets IPv6, keeps IPv4 and host names, and takes a port', () => {
    expect(apiServerUrl('10.0.0.1')).toBe('https://10.0.0.1:6443');
    expect(apiServerUrl('::1')).toBe('https://[::1]:6443');
    expect(apiServerUrl('[fd00::1]', 9443)).toBe('https://[fd00::1]:9443');
    expect(apiServerUrl('fe80::1%eth0')).toBe('https://[fe80::1%25eth0]:6443');
    expect(apiServerUrl('pi-1.lab.local')).toBe('https://pi-1.lab.local:6443');
    expect(new URL(apiServerUrl('2001:db8::5')).hostname).toBe('[2001:db8::5]');
  });

  it('rejects bad hosts and ports', () => {
    expect(() => apiServerUrl('')).toThrow(/Not an IP address or host name/);
    expect(() => apiServerUrl('a b')).toThrow(/Not an IP address or host name/);
    expect(() => apiServerUrl('evil.com/path')).toThrow(/Not an IP address or host name/);
    expect(() => apiServerUrl('10.0.0.1', 0)).toThrow(/port/);
    expect(() => apiServerUrl('10.0.0.1', 70000)).toThrow(/port/);
  });
});
