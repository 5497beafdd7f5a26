import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  generateClusterPki,
  generateK3sSecret,
  k3sHashCA,
  k3sSecureToken,
} from '../../../main/pki';
import { asDistribution, makeTempDir, runBinary, runOk, type TempDir } from './helpers';

const DAY_MS = 86_400_000;
let dir: TempDir;
/** PEM files made by openssl alone: root CA, an intermediate under it, a leaf CA under that. */
let root: string;
let intermediate: string;
let leafCa: string;
let other: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const bytesOf = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** sha256 of a certificate's DER, as openssl converts and hashes it. */
async function opensslDerSha256(pem: string): Promise<string> {
  const der = await runBinary('openssl', ['x509', '-outform', 'der'], pem);
  const digest = await runOk('openssl', ['dgst', '-sha256', '-r'], der);
  return digest.split(' ')[0]!;
}

async function opensslCa(name: string, days: number, issuer?: { name: string }): Promise<string> {
  const ext = await dir.write(
    `${name}.cnf`,
    [
      '[v3_ca]',
      'basicConstraints = critical, CA:true',
      'keyUsage = critical, digitalSignature, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      'authorityKeyIdentifier = keyid:always',
      '',
    ].join('\n'),
  );
  const key = join(dir.path, `${name}.key`);
  const pem = join(dir.path, `${name}.pem`);
  const newKey = [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    key,
  ];
  if (!issuer) {
    await runOk('openssl', [
      'req',
      '-x509',
      ...newKey,
      '-subj',
      `/CN=${name}`,
      '-days',
      String(days),
      '-config',
      ext,
      '-extensions',
      'v3_ca',
      '-out',
      pem,
    ]);
  } else {
    const csr = join(dir.path, `${name}.csr`);
    await runOk('openssl', [
      'req',
      '-new',
      ...newKey,
      '-subj',
      `/CN=${name}`,
      '-config',
      ext,
      '-out',
      csr,
    ]);
    await runOk('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(dir.path, `${issuer.name}.pem`),
      '-CAkey',
      join(dir.path, `${issuer.name}.key`),
      '-set_serial',
      String(Date.now()),
      '-days',
      String(days),
      '-extfile',
      ext,
      '-extensions',
      'v3_ca',
      '-out',
      pem,
    ]);
  }
  return readFile(pem, 'utf8');
}

beforeAll(async () => {
  dir = await makeTempDir();
  root = await opensslCa('root', 3650);
  intermediate = await opensslCa('intermediate', 365, { name: 'root' });
  leafCa = await opensslCa('leaf-ca', 300, { name: 'intermediate' });
  other = await opensslCa('other', 3650);
});

afterAll(async () => {
  await dir?.remove();
});

describe('k3sHashCA', () => {
  it('hashes the exact file bytes of a single-certificate server-ca.crt', async () => {
    const pki = asDistribution(
      await generateClusterPki({ distribution: 'k3s', clusterName: 'lab' }),
      'k3s',
    );
    const file = await dir.write('server-ca.crt', pki.serverCa.certificatePem);
    const expected = (await runOk('openssl', ['dgst', '-sha256', '-r', file])).split(' ')[0];
    expect(k3sHashCA(await readFile(file))).toBe(expected);
    // The file bytes, not the DER: a different line ending is a different hash.
    const crlf = pki.serverCa.certificatePem.replace(/\n/g, '\r\n');
    expect(k3sHashCA(bytesOf(crlf))).toBe(sha256(bytesOf(crlf)));
    expect(k3sHashCA(bytesOf(crlf))).not.toBe(expected);
  });

  it('hashes the root certificate DER for an [intermediate, root] bundle', async () => {
    const bundle = bytesOf(intermediate + root);
    const expected = await opensslDerSha256(root);
    expect(k3sHashCA(bundle)).toBe(expected);
    expect(expected).not.toBe(sha256(bundle));
  });

  it('hashes the root for the chained bundle k3s generate-custom-ca-certs.sh writes', async () => {
    const bundle = bytesOf(leafCa + intermediate + root);
    expect(k3sHashCA(bundle)).toBe(await opensslDerSha256(root));
    // Same root, different bundle: same hash (what lets k3s rotate intermediates).
    expect(k3sHashCA(bytesOf(intermediate + root))).toBe(k3sHashCA(bundle));
  });

  it('falls back to the file bytes when the first certificate does not chain to a later root', () => {
    // Root first: nothing after it is a root, so k3s's Verify fails and it hashes the file.
    const rootFirst = bytesOf(root + intermediate);
    expect(k3sHashCA(rootFirst)).toBe(sha256(rootFirst));
    const unrelated = bytesOf(intermediate + other);
    expect(k3sHashCA(unrelated)).toBe(sha256(unrelated));
  });

  it('falls back to the file bytes when the chain is not valid at the given time', async () => {
    const bundle = bytesOf(intermediate + root);
    expect(k3sHashCA(bundle, new Date())).toBe(await opensslDerSha256(root));
    expect(k3sHashCA(bundle, new Date(Date.now() + 400 * DAY_MS))).toBe(sha256(bundle));
  });

  it('counts only header-less CERTIFICATE blocks, as client-go ParseCertsPEM does', async () => {
    const key = await readFile(join(dir.path, 'root.key'), 'utf8');
    // A key block and one certificate: still a single certificate, so the whole file is hashed.
    const withKey = bytesOf(key + root);
    expect(k3sHashCA(withKey)).toBe(sha256(withKey));
  });

  it('rejects a file without certificates and a certificate block that does not parse', () => {
    expect(() => k3sHashCA(bytesOf('no certificates here\n'))).toThrow(/no certificates/);
    const junk = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(() => k3sHashCA(bytesOf(junk))).toThrow(/cannot be parsed/);
    // One certificate is checked with Node's parser, several with @peculiar/x509: both refuse.
    expect(() => k3sHashCA(bytesOf(root + junk))).toThrow(/cannot be parsed/);
  });
});

describe('k3sSecureToken', () => {
  it('is K10<hash of server-ca.crt>::server:<secret>', async () => {
    const pki = asDistribution(
      await generateClusterPki({ distribution: 'k3s', clusterName: 'lab' }),
      'k3s',
    );
    const secret = generateK3sSecret();
    const caBytes = bytesOf(pki.serverCa.certificatePem);
    const token = k3sSecureToken(caBytes, secret);
    expect(token).toMatch(/^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
    expect(token).toBe(`K10${sha256(caBytes)}::server:${secret}`);
  });

  it('makes random secrets and refuses empty or spaced ones', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateK3sSecret));
    expect(secrets.size).toBe(50);
    const ca = bytesOf(root);
    expect(() => k3sSecureToken(ca, '')).toThrow(/secret/);
    expect(() => k3sSecureToken(ca, 'a b')).toThrow(/secret/);
  });
});
