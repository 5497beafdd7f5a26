import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import {
  type ClusterPki,
  decodeK0sJoinToken,
  generateClusterPki,
  generateK0sJoinToken,
  K0S_API_PORT,
  k0sBootstrapTokenSecret,
  k0sJoinServerUrl,
} from '../../../main/pki';
import { asDistribution, makeTempDir, runBinary, runOk, type TempDir } from './helpers';

let dir: TempDir;
let pki: ClusterPki;

beforeAll(async () => {
  dir = await makeTempDir();
  pki = await generateClusterPki({ distribution: 'k0s', clusterName: 'lab' });
});

afterAll(async () => {
  await dir?.remove();
});

describe('generateK0sJoinToken', () => {
  it('round-trips a worker token through decodeK0sJoinToken', () => {
    const server = k0sJoinServerUrl('worker', '192.168.50.10');
    expect(server).toBe('https://192.168.50.10:6443');
    const joined = generateK0sJoinToken({ role: 'worker', pki, server });
    expect(joined.bootstrapTokenId).toMatch(/^[a-z0-9]{6}$/);
    expect(joined.bootstrapTokenSecret).toMatch(/^[a-z0-9]{16}$/);
    const decoded = decodeK0sJoinToken(joined.token);
    expect(decoded).toMatchObject({
      role: 'worker',
      server,
      certificateAuthorityPem: asDistribution(pki, 'k0s').ca.certificatePem,
      bootstrapTokenId: joined.bootstrapTokenId,
      bootstrapTokenSecret: joined.bootstrapTokenSecret,
    });
  });

  it('makes controller tokens for the k0s API port with the given token', () => {
    const server = k0sJoinServerUrl('controller', 'fd00::10');
    expect(server).toBe(`https://[fd00::10]:${K0S_API_PORT}`);
    const joined = generateK0sJoinToken({
      role: 'controller',
      pki,
      server,
      tokenId: 'abc123',
      tokenSecret: '0123456789abcdef',
    });
    expect(joined.bootstrapTokenId).toBe('abc123');
    expect(joined.bootstrapTokenSecret).toBe('0123456789abcdef');
    const decoded = decodeK0sJoinToken(joined.token);
    expect(decoded.role).toBe('controller');
    expect(decoded.server).toBe(server);
  });

  it('is base64 of a best-compression gzip of a kubeconfig that kubectl reads', async () => {
    const server = k0sJoinServerUrl('worker', '10.0.0.1');
    const joined = generateK0sJoinToken({ role: 'worker', pki, server });
    expect(joined.token).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    // Decode with coreutils and gzip, independently of our decoder.
    const gz = await runBinary('base64', ['-d'], joined.token);
    expect([gz[0], gz[1], gz[8]]).toEqual([0x1f, 0x8b, 2]); // gzip magic; XFL 2 = best compression
    const kubeconfigText = await runOk('gunzip', ['-c'], gz);
    const file = await dir.write('k0s-token-kubeconfig', kubeconfigText);
    const view = JSON.parse(
      await runOk('kubectl', ['config', 'view', '--kubeconfig', file, '--raw', '-o', 'json']),
    ) as {
      'current-context': string;
      clusters: Array<{
        name: string;
        cluster: { server: string; 'certificate-authority-data': string };
      }>;
      contexts: Array<{ name: string; context: { cluster: string; user: string } }>;
      users: Array<{ name: string; user: { token: string } }>;
    };
    expect(view['current-context']).toBe('k0s');
    expect(view.clusters[0]).toEqual({
      name: 'k0s',
      cluster: {
        server,
        'certificate-authority-data': Buffer.from(
          asDistribution(pki, 'k0s').ca.certificatePem,
        ).toString('base64'),
      },
    });
    expect(view.contexts).toEqual([
      { name: 'k0s', context: { cluster: 'k0s', user: 'kubelet-bootstrap' } },
    ]);
    expect(view.users).toEqual([
      {
        name: 'kubelet-bootstrap',
        user: { token: `${joined.bootstrapTokenId}.${joined.bootstrapTokenSecret}` },
      },
    ]);
  });

  it('refuses a non-k0s PKI, a bad server and malformed token parts', async () => {
    const k3s = await generateClusterPki({ distribution: 'k3s', clusterName: 'lab' });
    const server = 'https://10.0.0.1:6443';
    expect(() => generateK0sJoinToken({ role: 'worker', pki: k3s, server })).toThrow(/k0s PKI/);
    expect(() => generateK0sJoinToken({ role: 'worker', pki, server: 'http://x:6443' })).toThrow(
      /https/,
    );
    expect(() => generateK0sJoinToken({ role: 'worker', pki, server, tokenId: 'ABC123' })).toThrow(
      /token id/,
    );
    expect(() =>
      generateK0sJoinToken({ role: 'worker', pki, server, tokenSecret: 'short' }),
    ).toThrow(/token secret/);
  });
});

describe('decodeK0sJoinToken', () => {
  const encode = (doc: unknown) => gzipSync(stringify(doc)).toString('base64');

  it('rejects text that is not a k0s token', () => {
    expect(() => decodeK0sJoinToken('not base64!')).toThrow(/base64/);
    expect(() => decodeK0sJoinToken(Buffer.from('plain').toString('base64'))).toThrow(/gzip/);
    expect(() => decodeK0sJoinToken(encode({ kind: 'Config' }))).toThrow(/join kubeconfig/);
  });

  it('rejects an unknown user and a token that is not a bootstrap token', () => {
    const joined = generateK0sJoinToken({ role: 'worker', pki, server: 'https://10.0.0.1:6443' });
    const doc = parse(decodeK0sJoinToken(joined.token).kubeconfig) as {
      contexts: Array<{ context: { user: string } }>;
      users: Array<{ name: string; user: { token: string } }>;
    };
    const strangeUser = structuredClone(doc);
    strangeUser.contexts[0]!.context.user = 'admin';
    strangeUser.users[0]!.name = 'admin';
    expect(() => decodeK0sJoinToken(encode(strangeUser))).toThrow(/unknown user "admin"/);
    const badToken = structuredClone(doc);
    badToken.users[0]!.user.token = 'password';
    expect(() => decodeK0sJoinToken(encode(badToken))).toThrow(/bootstrap token/);
  });
});

describe('k0sBootstrapTokenSecret', () => {
  it('authorises a worker token as a bootstrap-authentication token', () => {
    const secret = k0sBootstrapTokenSecret({
      role: 'worker',
      tokenId: 'abc123',
      tokenSecret: '0123456789abcdef',
      expires: new Date('2030-01-02T03:04:05.678Z'),
    });
    expect(secret).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'bootstrap-token-abc123', namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
    });
    expect(secret.stringData).toMatchObject({
      'token-id': 'abc123',
      'token-secret': '0123456789abcdef',
      expiration: '2030-01-02T03:04:05Z',
      'usage-bootstrap-authentication': 'true',
    });
    expect(secret.stringData).not.toHaveProperty('usage-controller-join');
  });

  it('marks a controller token for controller-join and never for bootstrap authentication', () => {
    const secret = k0sBootstrapTokenSecret({
      role: 'controller',
      tokenId: 'abc123',
      tokenSecret: '0123456789abcdef',
    });
    expect(secret.stringData).toMatchObject({
      'usage-controller-join': 'true',
      'usage-bootstrap-controller-join': 'true',
    });
    expect(secret.stringData).not.toHaveProperty('usage-bootstrap-authentication');
    expect(secret.stringData).not.toHaveProperty('expiration');
  });

  it('rejects a malformed id or secret', () => {
    expect(() =>
      k0sBootstrapTokenSecret({ role: 'worker', tokenId: 'abc', tokenSecret: '0123456789abcdef' }),
    ).toThrow(/bootstrap token/);
  });
});
