import { describe, expect, it } from 'vitest';

import {
  BOOTSTRAP_TOKEN_PATTERN,
  discoveryTokenCaCertHash,
  generateBootstrapToken,
  generateClusterPki,
  parseBootstrapToken,
} from '../../../main/pki';
import { asDistribution, runBinary, runOk } from './helpers';

describe('generateBootstrapToken', () => {
  it('makes kubeadm-format tokens that differ each time', () => {
    const tokens = Array.from({ length: 200 }, generateBootstrapToken);
    for (const token of tokens) expect(token).toMatch(/^[a-z0-9]{6}\.[a-z0-9]{16}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Every character of the alphabet turns up: the draw covers all 36 symbols.
    expect(new Set(tokens.join('').replace(/\./g, '')).size).toBe(36);
  });

  it('parses into id and secret and rejects other shapes', () => {
    expect(parseBootstrapToken('abcdef.0123456789abcdef')).toEqual({
      id: 'abcdef',
      secret: '0123456789abcdef',
    });
    expect(BOOTSTRAP_TOKEN_PATTERN.test('ABCDEF.0123456789abcdef')).toBe(false);
    expect(() => parseBootstrapToken('abcdef:0123456789abcdef')).toThrow(/bootstrap token/);
  });
});

describe('discoveryTokenCaCertHash', () => {
  for (const distribution of ['kubeadm', 'k3s'] as const) {
    it(`equals openssl's SPKI sha256 for a ${distribution} CA`, async () => {
      const pki = await generateClusterPki({ distribution, clusterName: 'lab' });
      const caPem =
        distribution === 'kubeadm'
          ? asDistribution(pki, 'kubeadm').ca.certificatePem
          : asDistribution(pki, 'k3s').serverCa.certificatePem;
      // openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex
      const pubkey = await runOk('openssl', ['x509', '-pubkey', '-noout'], caPem);
      const der = await runBinary('openssl', ['pkey', '-pubin', '-outform', 'der'], pubkey);
      const digest = await runOk('openssl', ['dgst', '-sha256', '-hex'], der);
      const expected = /([0-9a-f]{64})\s*$/.exec(digest)?.[1];
      expect(expected).toBeDefined();
      expect(discoveryTokenCaCertHash(caPem)).toBe(`sha256:${expected}`);
    });
  }

  it('rejects something that is not a certificate', () => {
    expect(() => discoveryTokenCaCertHash('nope')).toThrow(/CA certificate/);
  });
});
