import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  CA_VALIDITY_DAYS,
  type CertificateAndKey,
  type ClusterPki,
  clusterPkiFiles,
  clusterPkiSchema,
  type Distribution,
  generateClusterPki,
  NOT_BEFORE_BACKDATE_MS,
  PKI_VALIDITY,
} from '../../../main/pki';
import {
  asDistribution,
  makeTempDir,
  parseOpensslDate,
  runOk,
  type TempDir,
  wholeSecondNow,
} from './helpers';

const DAY_MS = 86_400_000;
const now = wholeSecondNow();
const pkis = {} as Record<Distribution, ClusterPki>;
let dir: TempDir;

beforeAll(async () => {
  dir = await makeTempDir();
  const [k3s, kubeadm, k0s] = await Promise.all(
    (['k3s', 'kubeadm', 'k0s'] as const).map((distribution) =>
      generateClusterPki({ distribution, clusterName: 'pi, "lab"', now }),
    ),
  );
  Object.assign(pkis, { k3s, kubeadm, k0s });
});

afterAll(async () => {
  await dir?.remove();
});

/** Every CA of a PKI, named as the distribution's file (without extension). */
function casOf(pki: ClusterPki): Record<string, CertificateAndKey> {
  switch (pki.distribution) {
    case 'k3s':
      return {
        'server-ca': pki.serverCa,
        'client-ca': pki.clientCa,
        'request-header-ca': pki.requestHeaderCa,
        'etcd-peer-ca': pki.etcdPeerCa,
        'etcd-server-ca': pki.etcdServerCa,
      };
    case 'kubeadm':
      return { ca: pki.ca, 'front-proxy-ca': pki.frontProxyCa, 'etcd-ca': pki.etcdCa };
    case 'k0s':
      return { ca: pki.ca, 'etcd-ca': pki.etcdCa };
  }
}

describe('generateClusterPki', () => {
  it('gives each distribution exactly its CA material', () => {
    expect(Object.keys(pkis.k3s).sort()).toEqual(
      [
        'clientCa',
        'clusterName',
        'distribution',
        'etcdPeerCa',
        'etcdServerCa',
        'requestHeaderCa',
        'serverCa',
        'serviceKeyPem',
      ].sort(),
    );
    expect(Object.keys(pkis.kubeadm).sort()).toEqual(
      [
        'ca',
        'clusterName',
        'distribution',
        'etcdCa',
        'frontProxyCa',
        'serviceAccountKeyPem',
        'serviceAccountPublicKeyPem',
      ].sort(),
    );
    expect(Object.keys(pkis.k0s).sort()).toEqual(
      [
        'ca',
        'clusterName',
        'distribution',
        'etcdCa',
        'serviceAccountKeyPem',
        'serviceAccountPublicKeyPem',
      ].sort(),
    );
  });

  it('is serialisable and passes its own schema after a JSON round trip', () => {
    for (const pki of Object.values(pkis)) {
      const copy: unknown = JSON.parse(JSON.stringify(pki));
      expect(copy).toEqual(pki);
      expect(clusterPkiSchema.parse(copy)).toEqual(pki);
    }
    expect(() => clusterPkiSchema.parse({ ...pkis.k0s, ca: { certificatePem: 'x' } })).toThrow();
  });

  it('makes every CA distinct', () => {
    const all = Object.values(pkis).flatMap((pki) =>
      Object.values(casOf(pki)).map((ca) => ca.certificatePem),
    );
    expect(new Set(all).size).toBe(all.length);
  });

  for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const) {
    it(`${distribution}: every CA is a self-signed CA that openssl verifies against itself`, async () => {
      for (const [name, ca] of Object.entries(casOf(pkis[distribution]))) {
        const file = await dir.write(`${distribution}-${name}.crt`, ca.certificatePem);
        // -x509_strict also demands SKI/AKI, critical basicConstraints and a keyCertSign usage.
        const verify = await runOk('openssl', ['verify', '-x509_strict', '-CAfile', file, file]);
        expect(verify.trim()).toBe(`${file}: OK`);

        const text = await runOk('openssl', ['x509', '-noout', '-text', '-in', file]);
        expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
        expect(text).toMatch(
          /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/,
        );
        const ski = /Subject Key Identifier:\s+([0-9A-F:]+)/.exec(text)?.[1];
        const aki = /Authority Key Identifier:\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
        expect(ski).toBeDefined();
        expect(aki).toBe(ski);

        const subject = await runOk('openssl', [
          'x509',
          '-noout',
          '-subject',
          '-issuer',
          '-in',
          file,
        ]);
        const [subjectLine, issuerLine] = subject.trim().split('\n');
        expect(issuerLine!.replace(/^issuer=/, '')).toBe(subjectLine!.replace(/^subject=/, ''));
        // The cluster name survives literally (commas and quotes are not DN syntax here).
        expect(subjectLine).toContain('pi, \\"lab\\"');
      }
    });

    it(`${distribution}: CA validity is backdated from now and lasts ${CA_VALIDITY_DAYS} days`, async () => {
      for (const [name, ca] of Object.entries(casOf(pkis[distribution]))) {
        const file = await dir.write(`${distribution}-${name}-dates.crt`, ca.certificatePem);
        const dates = await runOk('openssl', [
          'x509',
          '-noout',
          '-startdate',
          '-enddate',
          '-in',
          file,
        ]);
        const [start, end] = dates.trim().split('\n').map(parseOpensslDate);
        expect(start!.getTime()).toBe(now.getTime() - NOT_BEFORE_BACKDATE_MS);
        expect(end!.getTime()).toBe(now.getTime() + CA_VALIDITY_DAYS * DAY_MS);
      }
    });

    it(`${distribution}: each CA private key belongs to its certificate`, async () => {
      for (const [name, ca] of Object.entries(casOf(pkis[distribution]))) {
        const crt = await dir.write(`${distribution}-${name}-pair.crt`, ca.certificatePem);
        const key = await dir.write(`${distribution}-${name}-pair.key`, ca.privateKeyPem);
        const fromCert = await runOk('openssl', ['x509', '-noout', '-pubkey', '-in', crt]);
        const fromKey = await runOk('openssl', ['pkey', '-pubout', '-in', key]);
        expect(fromKey).toBe(fromCert);
      }
    });
  }

  it('uses ECDSA P-256 CAs for k3s and RSA 2048 CAs for kubeadm and k0s', async () => {
    const expectations = {
      k3s: /prime256v1/,
      kubeadm: /Public-Key: \(2048 bit\)/,
      k0s: /Public-Key: \(2048 bit\)/,
    };
    for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const) {
      for (const ca of Object.values(casOf(pkis[distribution]))) {
        const text = await runOk('openssl', ['x509', '-noout', '-text'], ca.certificatePem);
        expect(text).toMatch(expectations[distribution]);
      }
    }
  });

  it('keeps the common names the distributions themselves use', async () => {
    const cn = async (pem: string) =>
      (await runOk('openssl', ['x509', '-noout', '-subject', '-nameopt', 'multiline'], pem)).match(
        /commonName\s+=\s+(.*)/,
      )?.[1];
    const stamp = Math.floor(now.getTime() / 1000);
    const k0s = asDistribution(pkis.k0s, 'k0s');
    const kubeadm = asDistribution(pkis.kubeadm, 'kubeadm');
    const k3s = asDistribution(pkis.k3s, 'k3s');
    // k0s only manages leaf certificates whose issuer CN is one of its own CA names.
    expect(await cn(k0s.ca.certificatePem)).toBe('kubernetes-ca');
    expect(await cn(k0s.etcdCa.certificatePem)).toBe('etcd-ca');
    expect(await cn(kubeadm.ca.certificatePem)).toBe('kubernetes');
    expect(await cn(kubeadm.frontProxyCa.certificatePem)).toBe('front-proxy-ca');
    expect(await cn(kubeadm.etcdCa.certificatePem)).toBe('etcd-ca');
    expect(await cn(k3s.serverCa.certificatePem)).toBe(`k3s-server-ca@${stamp}`);
    expect(await cn(k3s.clientCa.certificatePem)).toBe(`k3s-client-ca@${stamp}`);
  });

  it('makes RSA 2048 service-account keys whose public halves match', async () => {
    for (const pki of [asDistribution(pkis.kubeadm, 'kubeadm'), asDistribution(pkis.k0s, 'k0s')]) {
      const text = await runOk('openssl', ['pkey', '-noout', '-text'], pki.serviceAccountKeyPem);
      expect(text).toMatch(/Private-Key: \(2048 bit, 2 primes\)/);
      expect(pki.serviceAccountKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      const derived = await runOk('openssl', ['pkey', '-pubout'], pki.serviceAccountKeyPem);
      expect(derived).toBe(pki.serviceAccountPublicKeyPem);
    }
    const k3s = asDistribution(pkis.k3s, 'k3s');
    expect(k3s.serviceKeyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const text = await runOk('openssl', ['pkey', '-noout', '-text'], k3s.serviceKeyPem);
    expect(text).toMatch(/Private-Key: \(2048 bit, 2 primes\)/);
  });

  it('rejects an empty or over-long cluster name and an unknown distribution', async () => {
    await expect(generateClusterPki({ distribution: 'k3s', clusterName: ' ' })).rejects.toThrow(
      /cluster name/,
    );
    await expect(
      generateClusterPki({ distribution: 'k0s', clusterName: 'x'.repeat(65) }),
    ).rejects.toThrow(/cluster name/);
    await expect(
      generateClusterPki({ distribution: 'rke2' as Distribution, clusterName: 'lab' }),
    ).rejects.toThrow();
  });

  it('exposes the validity policy for the UI', () => {
    expect(PKI_VALIDITY).toEqual({
      certificateAuthorityDays: 3650,
      adminClientCertificateDays: 365,
      servingCertificateDays: 365,
      notBeforeBackdateHours: 24,
    });
  });
});

describe('clusterPkiFiles', () => {
  it('names the k3s files as k3s expects them under server/tls', () => {
    const files = clusterPkiFiles(pkis.k3s);
    const base = '/var/lib/rancher/k3s/server/tls/';
    expect(files.map((f) => [f.path.replace(base, ''), f.mode.toString(8)])).toEqual([
      ['server-ca.crt', '644'],
      ['server-ca.key', '600'],
      ['client-ca.crt', '644'],
      ['client-ca.key', '600'],
      ['request-header-ca.crt', '644'],
      ['request-header-ca.key', '600'],
      ['etcd/peer-ca.crt', '644'],
      ['etcd/peer-ca.key', '600'],
      ['etcd/server-ca.crt', '644'],
      ['etcd/server-ca.key', '600'],
      ['service.key', '600'],
    ]);
    const k3s = asDistribution(pkis.k3s, 'k3s');
    expect(files[0]!.contents).toBe(k3s.serverCa.certificatePem);
    expect(files[1]!.contents).toBe(k3s.serverCa.privateKeyPem);
    expect(files[10]!.contents).toBe(k3s.serviceKeyPem);
  });

  it('names the kubeadm and k0s files as their pki folders expect them', () => {
    expect(clusterPkiFiles(pkis.kubeadm).map((f) => f.path)).toEqual(
      [
        'ca.crt',
        'ca.key',
        'front-proxy-ca.crt',
        'front-proxy-ca.key',
        'etcd/ca.crt',
        'etcd/ca.key',
        'sa.key',
        'sa.pub',
      ].map((name) => `/etc/kubernetes/pki/${name}`),
    );
    expect(clusterPkiFiles(pkis.k0s).map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['/var/lib/k0s/pki/ca.crt', '644'],
      ['/var/lib/k0s/pki/ca.key', '600'],
      ['/var/lib/k0s/pki/etcd/ca.crt', '644'],
      ['/var/lib/k0s/pki/etcd/ca.key', '600'],
      ['/var/lib/k0s/pki/sa.key', '600'],
      ['/var/lib/k0s/pki/sa.pub', '644'],
    ]);
  });
});
