import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  apiServerUrl,
  buildKubeconfig,
  clientCertificateAuthority,
  type ClusterPki,
  type Distribution,
  generateClusterPki,
  issueAdminClientCertificate,
  issueServingCertificate,
  servingCertificateAuthority,
} from '../../../main/pki';

interface ParsedKubeconfig {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { 'client-certificate-data': string; 'client-key-data': string } }>;
}

/** The credentials a kubeconfig carries, read back from its YAML as kubectl would. */
function credentialsOf(kubeconfigYaml: string) {
  const doc = parse(kubeconfigYaml) as ParsedKubeconfig;
  const decode = (value: string) => Buffer.from(value, 'base64').toString('utf8');
  return {
    server: new URL(doc.clusters[0]!.cluster.server),
    ca: decode(doc.clusters[0]!.cluster['certificate-authority-data']),
    cert: decode(doc.users[0]!.user['client-certificate-data']),
    key: decode(doc.users[0]!.user['client-key-data']),
  };
}

type Outcome = { ok: true; authorized: boolean } | { ok: false; error: string };

/** Connect, wait for the server's greeting (sent only after the handshake succeeds on its side). */
function tryConnect(options: {
  port: number;
  ca: string;
  cert?: string;
  key?: string;
}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', ...options });
    let settled = false;
    const finish = (outcome: Outcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(5000, () => finish({ ok: false, error: 'timeout' }));
    socket.on('data', (data) =>
      finish(
        data.toString() === 'hello'
          ? { ok: true, authorized: socket.authorized }
          : { ok: false, error: `unexpected data: ${data.toString()}` },
      ),
    );
    socket.on('error', (error) => finish({ ok: false, error: error.message }));
    socket.on('end', () => finish({ ok: false, error: 'closed by server' }));
  });
}

for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const satisfies Distribution[]) {
  describe(`mutual TLS with a ${distribution} PKI over loopback`, () => {
    let pki: ClusterPki;
    let server: Server;
    let port: number;
    let kubeconfig: string;

    beforeAll(async () => {
      pki = await generateClusterPki({ distribution, clusterName: 'tls-lab' });
      const serving = await issueServingCertificate(pki, { ips: ['127.0.0.1'], dnsNames: [] });
      server = createServer(
        {
          cert: serving.certificatePem,
          key: serving.privateKeyPem,
          ca: clientCertificateAuthority(pki).certificatePem,
          requestCert: true,
          rejectUnauthorized: true,
        },
        (socket) => socket.end('hello'),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
      const admin = await issueAdminClientCertificate(pki);
      kubeconfig = buildKubeconfig({
        clusterName: 'tls-lab',
        contextName: 'tls-lab',
        server: apiServerUrl('127.0.0.1', port),
        certificateAuthorityPem: servingCertificateAuthority(pki).certificatePem,
        clientCertificatePem: admin.certificatePem,
        clientKeyPem: admin.privateKeyPem,
      });
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    it('accepts a client using the kubeconfig credentials, and the client trusts the server', async () => {
      const { server: url, ca, cert, key } = credentialsOf(kubeconfig);
      expect(url.hostname).toBe('127.0.0.1');
      const outcome = await tryConnect({ port: Number(url.port), ca, cert, key });
      expect(outcome).toEqual({ ok: true, authorized: true });
    });

    it('refuses a client without a client certificate', async () => {
      const { ca } = credentialsOf(kubeconfig);
      const outcome = await tryConnect({ port, ca });
      expect(outcome.ok).toBe(false);
    });

    it('refuses a client certificate from another cluster', async () => {
      const other = await generateClusterPki({ distribution, clusterName: 'other' });
      const stranger = await issueAdminClientCertificate(other);
      const { ca } = credentialsOf(kubeconfig);
      const outcome = await tryConnect({
        port,
        ca,
        cert: stranger.certificatePem,
        key: stranger.privateKeyPem,
      });
      expect(outcome.ok).toBe(false);
    });

    it('is refused by a client that trusts a different CA', async () => {
      const other = await generateClusterPki({ distribution, clusterName: 'other' });
      const { cert, key } = credentialsOf(kubeconfig);
      const outcome = await tryConnect({
        port,
        ca: servingCertificateAuthority(other).certificatePem,
        cert,
        key,
      });
      expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/certificate/i) });
    });
  });
}
