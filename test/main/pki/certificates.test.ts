import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  ADMIN_CLIENT_CERT_VALIDITY_DAYS,
  certificateValidity,
  type ClusterPki,
  describeCertificate,
  generateClusterPki,
  issueAdminClientCertificate,
  issueServingCertificate,
  NOT_BEFORE_BACKDATE_MS,
  SERVING_CERT_VALIDITY_DAYS,
} from '../../../main/pki';
import {
  asDistribution,
  makeTempDir,
  parseOpensslDate,
  run,
  runOk,
  type TempDir,
  wholeSecondNow,
} from './helpers';

const DAY_MS = 86_400_000;
const now = wholeSecondNow();
let dir: TempDir;
let k3s: ClusterPki;
let kubeadm: ClusterPki;
let k0s: ClusterPki;

beforeAll(async () => {
  dir = await makeTempDir();
  [k3s, kubeadm, k0s] = await Promise.all([
    generateClusterPki({ distribution: 'k3s', clusterName: 'lab', now }),
    generateClusterPki({ distribution: 'kubeadm', clusterName: 'lab', now }),
    generateClusterPki({ distribution: 'k0s', clusterName: 'lab', now }),
  ]);
});

afterAll(async () => {
  await dir?.remove();
});

/** openssl's verdict on `certPem` against `caPem`, with a TLS purpose and strict X.509 checks. */
async function opensslVerify(caPem: string, certPem: string, purpose: 'sslclient' | 'sslserver') {
  const ca = await dir.write(`ca-${Math.random().toString(36).slice(2)}.crt`, caPem);
  const cert = await dir.write(`leaf-${Math.random().toString(36).slice(2)}.crt`, certPem);
  const result = await run('openssl', [
    'verify',
    '-x509_strict',
    '-purpose',
    purpose,
    '-CAfile',
    ca,
    cert,
  ]);
  return {
    ok: result.code === 0 && result.stdout.trim() === `${cert}: OK`,
    output: result.stdout + result.stderr,
  };
}

function caPems() {
  const k3sPki = asDistribution(k3s, 'k3s');
  return {
    k3s: { client: k3sPki.clientCa.certificatePem, server: k3sPki.serverCa.certificatePem },
    kubeadm: {
      client: asDistribution(kubeadm, 'kubeadm').ca.certificatePem,
      server: asDistribution(kubeadm, 'kubeadm').ca.certificatePem,
    },
    k0s: {
      client: asDistribution(k0s, 'k0s').ca.certificatePem,
      server: asDistribution(k0s, 'k0s').ca.certificatePem,
    },
  };
}

describe('issueAdminClientCertificate', () => {
  for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const) {
    it(`${distribution}: verifies as a TLS client certificate against the client CA`, async () => {
      const pki = { k3s, kubeadm, k0s }[distribution];
      const admin = await issueAdminClientCertificate(pki, { now });
      const cas = caPems()[distribution];
      const verdict = await opensslVerify(cas.client, admin.certificatePem, 'sslclient');
      expect(verdict.output).toContain(': OK');
      expect(verdict.ok).toBe(true);
      // It is a client certificate only: the server purpose must fail.
      expect((await opensslVerify(cas.client, admin.certificatePem, 'sslserver')).ok).toBe(false);
    });
  }

  it('k3s: is signed by client-ca, not server-ca', async () => {
    const admin = await issueAdminClientCertificate(k3s, { now });
    expect((await opensslVerify(caPems().k3s.server, admin.certificatePem, 'sslclient')).ok).toBe(
      false,
    );
  });

  it('carries O=system:masters, CN=kubeflash-admin and clientAuth only', async () => {
    const admin = await issueAdminClientCertificate(kubeadm, { now });
    const subject = await runOk(
      'openssl',
      ['x509', '-noout', '-subject', '-nameopt', 'RFC2253'],
      admin.certificatePem,
    );
    expect(subject.trim()).toBe('subject=CN=kubeflash-admin,O=system:masters');
    const text = await runOk('openssl', ['x509', '-noout', '-text'], admin.certificatePem);
    expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/X509v3 Authority Key Identifier:/);
    expect(text).toMatch(/X509v3 Subject Key Identifier:/);
  });

  it('takes another common name', async () => {
    const admin = await issueAdminClientCertificate(k0s, { now, commonName: 'alice' });
    expect(describeCertificate(admin.certificatePem).subject).toBe('O=system:masters, CN=alice');
  });

  it(`is backdated and lasts ${ADMIN_CLIENT_CERT_VALIDITY_DAYS} days`, async () => {
    const admin = await issueAdminClientCertificate(k3s, { now });
    const dates = await runOk(
      'openssl',
      ['x509', '-noout', '-startdate', '-enddate'],
      admin.certificatePem,
    );
    const [start, end] = dates.trim().split('\n').map(parseOpensslDate);
    expect(start!.getTime()).toBe(now.getTime() - NOT_BEFORE_BACKDATE_MS);
    expect(end!.getTime()).toBe(now.getTime() + ADMIN_CLIENT_CERT_VALIDITY_DAYS * DAY_MS);
  });

  it('never outlives its CA', async () => {
    const caEnd = new Date(describeCertificate(caPems().kubeadm.client).notAfter);
    const late = new Date(caEnd.getTime() - 10 * DAY_MS);
    const admin = await issueAdminClientCertificate(kubeadm, { now: late });
    expect(describeCertificate(admin.certificatePem).notAfter).toBe(caEnd.toISOString());
    const afterCa = new Date(caEnd.getTime() + DAY_MS);
    await expect(issueAdminClientCertificate(kubeadm, { now: afterCa })).rejects.toThrow(
      /not valid/,
    );
  });

  it('refuses a PKI whose CA key does not match its certificate', async () => {
    const pki = asDistribution(kubeadm, 'kubeadm');
    const broken = { ...pki, ca: { ...pki.ca, privateKeyPem: pki.etcdCa.privateKeyPem } };
    await expect(issueAdminClientCertificate(broken, { now })).rejects.toThrow(/does not belong/);
  });
});

describe('issueServingCertificate', () => {
  for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const) {
    it(`${distribution}: verifies as a TLS server certificate against the serving CA`, async () => {
      const pki = { k3s, kubeadm, k0s }[distribution];
      const serving = await issueServingCertificate(pki, {
        ips: ['127.0.0.1', '::1'],
        dnsNames: ['kubernetes.default.svc', 'localhost'],
        now,
      });
      const cas = caPems()[distribution];
      const verdict = await opensslVerify(cas.server, serving.certificatePem, 'sslserver');
      expect(verdict.output).toContain(': OK');
      expect(verdict.ok).toBe(true);
      expect((await opensslVerify(cas.server, serving.certificatePem, 'sslclient')).ok).toBe(false);
    });
  }

  it('k3s: is signed by server-ca, not client-ca', async () => {
    const serving = await issueServingCertificate(k3s, { ips: ['127.0.0.1'], dnsNames: [], now });
    expect((await opensslVerify(caPems().k3s.client, serving.certificatePem, 'sslserver')).ok).toBe(
      false,
    );
  });

  it('lists the IP addresses and DNS names as SANs', async () => {
    const serving = await issueServingCertificate(k0s, {
      ips: ['127.0.0.1', '2001:db8::1'],
      dnsNames: ['api.lab.example'],
      now,
    });
    const text = await runOk(
      'openssl',
      ['x509', '-noout', '-ext', 'subjectAltName'],
      serving.certificatePem,
    );
    expect(text).toContain('IP Address:127.0.0.1');
    expect(text).toContain('IP Address:2001:DB8:0:0:0:0:0:1');
    expect(text).toContain('DNS:api.lab.example');
    const dates = await runOk('openssl', ['x509', '-noout', '-enddate'], serving.certificatePem);
    expect(parseOpensslDate(dates).getTime()).toBe(
      now.getTime() + SERVING_CERT_VALIDITY_DAYS * DAY_MS,
    );
  });

  it('rejects no names, a bad IP and a bad DNS name', async () => {
    await expect(issueServingCertificate(k3s, { ips: [], dnsNames: [] })).rejects.toThrow(
      /at least one/,
    );
    await expect(
      issueServingCertificate(k3s, { ips: ['300.1.1.1'], dnsNames: [] }),
    ).rejects.toThrow(/Not an IP address/);
    await expect(issueServingCertificate(k3s, { ips: [], dnsNames: ['bad name'] })).rejects.toThrow(
      /Not a DNS name/,
    );
  });
});

describe('describeCertificate', () => {
  it('describes a CA and a serving certificate as openssl sees them', async () => {
    const caPem = caPems().k3s.server;
    const ca = describeCertificate(caPem);
    expect(ca.isCa).toBe(true);
    expect(ca.subject).toBe(ca.issuer);
    expect(ca.subject).toMatch(/^O=lab, CN=k3s-server-ca@\d+$/);
    expect(ca.sans).toEqual([]);
    const dates = await runOk('openssl', ['x509', '-noout', '-startdate', '-enddate'], caPem);
    const [start, end] = dates.trim().split('\n').map(parseOpensslDate);
    expect(ca.notBefore).toBe(start!.toISOString());
    expect(ca.notAfter).toBe(end!.toISOString());

    const serving = describeCertificate(
      (await issueServingCertificate(k3s, { ips: ['10.0.0.5'], dnsNames: ['api.lab'], now }))
        .certificatePem,
    );
    expect(serving.isCa).toBe(false);
    expect(serving.issuer).toBe(ca.subject);
    expect(serving.subject).toBe('CN=kube-apiserver');
    expect(serving.sans).toEqual(['IP:10.0.0.5', 'DNS:api.lab']);
    expect(JSON.parse(JSON.stringify(serving))).toEqual(serving);
  });

  it('rejects text that is not a certificate', () => {
    expect(() => describeCertificate('hello')).toThrow(/Not a readable certificate/);
    expect(() => certificateValidity('hello')).toThrow(/Not a readable certificate/);
  });
});

describe('certificateValidity (Node parser, no @peculiar/x509)', () => {
  it('gives the same window as describeCertificate for every CA and a fresh leaf', async () => {
    const serving = await issueServingCertificate(k3s, { ips: ['10.0.0.5'], dnsNames: [], now });
    const pems = [
      ...Object.values(caPems()).flatMap((byRole) => Object.values(byRole)),
      serving.certificatePem,
    ];
    expect(pems.length).toBeGreaterThan(3);
    for (const pem of pems) {
      const { notBefore, notAfter } = describeCertificate(pem);
      expect(certificateValidity(pem)).toEqual({ notBefore, notAfter });
    }
  });
});
