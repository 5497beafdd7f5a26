import { describe, expect, it } from 'vitest';

import {
  checkPasswordHash,
  hashPassword,
  newInstanceId,
  wifiPsk,
} from '../../../../main/provision/payload';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import { run } from './fixtures';

describe('wifiPsk', () => {
  // IEEE 802.11i-2004, Annex H.4.
  it.each([
    ['password', 'IEEE', 'f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e'],
    [
      'ThisIsAPassword',
      'ThisIsASSID',
      '0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af',
    ],
    [
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ',
      'becb93866bb8c3832cb777c2f559807c8c59afcb6eae734885001300a981cc62',
    ],
  ])('matches the IEEE 802.11i test vector for %s / %s', (passphrase, ssid, psk) => {
    expect(wifiPsk(passphrase, ssid)).toBe(psk);
  });

  it.for([
    ['correct horse battery', 'Lab Net 5G'],
    ['p@ss "quoted" \\ word', 'Café ☕'],
    ['12345678', 'x'],
  ] as const)('agrees with wpa_passphrase for %j on %j', ([passphrase, ssid], ctx) => {
    requirePrerequisite(
      ctx,
      hasCommand('wpa_passphrase'),
      'wpa_passphrase (package wpasupplicant)',
    );
    const out = run('wpa_passphrase', [ssid], `${passphrase}\n`);
    expect(out.status).toBe(0);
    const psk = /^\s*psk=([0-9a-f]{64})$/m.exec(out.stdout)?.[1];
    expect(psk).toBe(wifiPsk(passphrase, ssid));
  });

  it('refuses passphrases wpa_passphrase refuses, and SSIDs longer than 32 bytes', () => {
    expect(() => wifiPsk('short', 'ssid')).toThrow(/8 to 63/);
    expect(() => wifiPsk('x'.repeat(64), 'ssid')).toThrow(/8 to 63/);
    expect(() => wifiPsk('tab\there!', 'ssid')).toThrow(/printable/);
    expect(() => wifiPsk('long enough', 'é'.repeat(17))).toThrow(/1 to 32 bytes/);
  });
});

describe('hashPassword', () => {
  it.for([
    ['sha512crypt', '-6'],
    ['sha256crypt', '-5'],
  ] as const)(
    'makes the same %s hash as openssl passwd for the same salt',
    ([format, flag], ctx) => {
      requirePrerequisite(ctx, hasCommand('openssl'), 'openssl');
      const hash = hashPassword('hunter2-plain', format, 'saltsaltsalt1234');
      const expected = run(
        'openssl',
        ['passwd', flag, '-salt', 'saltsaltsalt1234', '-stdin'],
        'hunter2-plain\n',
      );
      expect(expected.status).toBe(0);
      expect(hash).toBe(expected.stdout.trim());
      expect(hash.startsWith(format === 'sha512crypt' ? '$6$' : '$5$')).toBe(true);
    },
  );

  it('salts randomly by default and checks its arguments', () => {
    const a = hashPassword('same password');
    const b = hashPassword('same password');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(() => hashPassword('')).toThrow(/empty/);
    expect(() => hashPassword('pw', 'sha512crypt', 'bad salt!')).toThrow(/salt/);
  });
});

describe('checkPasswordHash', () => {
  const sha512 = hashPassword('pw', 'sha512crypt', 'abcdefgh');
  const yescrypt = '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7';

  it('accepts sha2-crypt everywhere and yescrypt only where glibc can check it', () => {
    expect(checkPasswordHash(sha512, 'alpine')).toBe(sha512);
    expect(checkPasswordHash(yescrypt, 'raspios-bookworm')).toBe(yescrypt);
    expect(() => checkPasswordHash(yescrypt, 'alpine')).toThrow(/yescrypt/);
    expect(() => checkPasswordHash(yescrypt, 'hypriot')).toThrow(/yescrypt/);
    expect(() => checkPasswordHash('plain-text', 'ubuntu')).toThrow(/not a crypt/);
  });
});

describe('newInstanceId', () => {
  it('is new on every flash of the same node', () => {
    const at = new Date('2025-06-01T12:00:00Z');
    const a = newInstanceId('lab-cp-01.example', at);
    const b = newInstanceId('lab-cp-01.example', at);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^kubeflash-lab-cp-01-20250601T120000Z-[0-9a-f]{8}$/);
  });
});
