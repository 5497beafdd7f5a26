import { describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../common/errors';
import {
  decryptSecrets,
  defaultScryptParams,
  describeSecrets,
  encryptSecrets,
  type Secrets,
} from '../../../main/secrets';
import { failure, fastKdf, passphrase, sampleSecrets, secretValues } from './fixtures';

type VaultJson = {
  format: string;
  version: number;
  kdf: { name: string; N: number; r: number; p: number; salt: string };
  cipher: { name: string; iv: string };
  check: string;
  ciphertext: string;
  tag: string;
};

/** Flip one bit of one decoded byte of a base64 field. */
function flipByte(base64: string, index = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

function edit(text: string, change: (json: VaultJson) => void): string {
  const json = JSON.parse(text) as VaultJson;
  change(json);
  return JSON.stringify(json, null, 2);
}

describe('encryptSecrets / decryptSecrets', () => {
  it('round-trips every section', async () => {
    const text = await encryptSecrets(sampleSecrets(), passphrase, fastKdf);
    expect(await decryptSecrets(text, passphrase)).toEqual(sampleSecrets());
  });

  it('round-trips the minimal document', async () => {
    const text = await encryptSecrets({ version: 1 }, passphrase, fastKdf);
    expect(await decryptSecrets(text, passphrase)).toEqual({ version: 1 });
  });

  it('uses strong scrypt parameters by default and records them in the header', async () => {
    expect(defaultScryptParams.N).toBeGreaterThanOrEqual(2 ** 16);
    const text = await encryptSecrets({ version: 1, tokens: { a: 'b' } }, passphrase);
    const json = JSON.parse(text) as VaultJson;
    expect(json).toMatchObject({
      format: 'kubeflash-vault',
      version: 1,
      kdf: { name: 'scrypt', N: defaultScryptParams.N, r: defaultScryptParams.r, p: 1 },
      cipher: { name: 'aes-256-gcm' },
    });
    expect(Buffer.from(json.kdf.salt, 'base64')).toHaveLength(32);
    expect(Buffer.from(json.cipher.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(json.tag, 'base64')).toHaveLength(16);
    expect(await decryptSecrets(text, passphrase)).toEqual({ version: 1, tokens: { a: 'b' } });
  });

  it('uses a fresh salt and IV every time', async () => {
    const a = JSON.parse(await encryptSecrets(sampleSecrets(), passphrase, fastKdf)) as VaultJson;
    const b = JSON.parse(await encryptSecrets(sampleSecrets(), passphrase, fastKdf)) as VaultJson;
    expect(a.kdf.salt).not.toBe(b.kdf.salt);
    expect(a.cipher.iv).not.toBe(b.cipher.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('writes none of the secret values nor the passphrase into the file text', async () => {
    const text = await encryptSecrets(sampleSecrets(), passphrase, fastKdf);
    for (const value of [...Object.values(secretValues), passphrase, 'k3s-token', 'cluster-ca']) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
  });

  it('accepts a passphrase typed in decomposed form (NFD) as the same passphrase', async () => {
    const composed = 'caf\u00e9-passphrase';
    const text = await encryptSecrets({ version: 1 }, composed, fastKdf);
    expect(await decryptSecrets(text, composed.normalize('NFD'))).toEqual({ version: 1 });
  });
});

describe('wrong passphrase', () => {
  it('is permission-denied, names the file and never echoes a passphrase', async () => {
    const text = await encryptSecrets(sampleSecrets(), passphrase, fastKdf);
    const error = await failure(
      decryptSecrets(text, 'not the passphrase', { source: '/home/me/cluster.secrets' }),
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error.code).toBe('permission-denied');
    expect(error.message).toContain('Wrong passphrase for /home/me/cluster.secrets');
    expect(error.subject).toBe('/home/me/cluster.secrets');
    expect(error.message).not.toContain('not the passphrase');
    expect(error.message).not.toContain(passphrase);
  });

  it('an empty passphrase asks for one', async () => {
    const text = await encryptSecrets({ version: 1 }, passphrase, fastKdf);
    const error = await failure(decryptSecrets(text, ''));
    expect(error.code).toBe('permission-denied');
    expect(error.message).toMatch(/Enter the passphrase/);
  });
});

describe('integrity', () => {
  async function sealed(): Promise<string> {
    return encryptSecrets(sampleSecrets(), passphrase, fastKdf);
  }

  it.each([
    ['first ciphertext byte', (j: VaultJson) => (j.ciphertext = flipByte(j.ciphertext, 0))],
    [
      'last ciphertext byte',
      (j: VaultJson) => {
        const n = Buffer.from(j.ciphertext, 'base64').length;
        j.ciphertext = flipByte(j.ciphertext, n - 1);
      },
    ],
    ['a tag byte', (j: VaultJson) => (j.tag = flipByte(j.tag, 5))],
    [
      'an IV byte (authenticated header)',
      (j: VaultJson) => (j.cipher.iv = flipByte(j.cipher.iv, 3)),
    ],
    [
      'a shortened ciphertext',
      (j: VaultJson) => {
        j.ciphertext = Buffer.from(j.ciphertext, 'base64').subarray(0, 10).toString('base64');
      },
    ],
  ])('flipping %s gives invalid-file', async (_name, change) => {
    const error = await failure(
      decryptSecrets(edit(await sealed(), change), passphrase, { source: 'v.secrets' }),
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error.code).toBe('invalid-file');
    expect(error.message).toContain('v.secrets is damaged or was altered');
  });

  it.each([
    ['the salt', (j: VaultJson) => (j.kdf.salt = flipByte(j.kdf.salt, 7))],
    ['r', (j: VaultJson) => (j.kdf.r = 9)],
    ['N (to another power of two)', (j: VaultJson) => (j.kdf.N = 2 ** 11)],
    ['the passphrase check value', (j: VaultJson) => (j.check = flipByte(j.check, 0))],
  ])('changing %s of the KDF header is refused', async (_name, change) => {
    // These change the derived key, so they look exactly like a wrong passphrase.
    const error = await failure(decryptSecrets(edit(await sealed(), change), passphrase));
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error.code).toBe('permission-denied');
  });

  it.each([
    ['N that is not a power of two', (j: VaultJson) => (j.kdf.N = 1000)],
    ['a huge N', (j: VaultJson) => (j.kdf.N = 2 ** 30)],
    ['p = 0', (j: VaultJson) => (j.kdf.p = 0)],
    ['an unknown cipher', (j: VaultJson) => (j.cipher.name = 'aes-128-gcm')],
    ['a short tag', (j: VaultJson) => (j.tag = Buffer.alloc(8).toString('base64'))],
    ['an extra field', (j: VaultJson) => Object.assign(j, { note: 'x' })],
    ['non-canonical base64', (j: VaultJson) => (j.tag = j.tag.replace('==', 'x='))],
  ])('a header with %s is invalid-file before any key is derived', async (_name, change) => {
    const error = await failure(decryptSecrets(edit(await sealed(), change), passphrase));
    expect(error.code).toBe('invalid-file');
  });

  it('every single character of the file matters', async () => {
    const text = await sealed();
    const outcomes = new Set<string>();
    for (let i = 0; i < text.length; i += 1) {
      const flipped = String.fromCharCode(text.charCodeAt(i) ^ 0x01);
      const damagedText = text.slice(0, i) + flipped + text.slice(i + 1);
      const error = await failure(decryptSecrets(damagedText, passphrase));
      expect(error, `position ${i}`).toBeInstanceOf(KubeflashError);
      outcomes.add(error.code ?? '');
    }
    expect([...outcomes].sort()).toEqual(['invalid-file', 'permission-denied']);
  });

  it('base64 that decodes to the same bytes but is not canonical is refused', async () => {
    // A 16-byte tag ends in "x==": the last character carries 2 data bits and 4 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const text = edit(await sealed(), (j) => {
      const last = j.tag.at(-3) ?? 'A';
      const variant = alphabet[alphabet.indexOf(last) ^ 0x01] ?? 'A';
      const altered = `${j.tag.slice(0, -3)}${variant}==`;
      expect(Buffer.from(altered, 'base64')).toEqual(Buffer.from(j.tag, 'base64'));
      j.tag = altered;
    });
    const error = await failure(decryptSecrets(text, passphrase));
    expect(error.code).toBe('invalid-file');
  });

  it('a truncated file is invalid-file', async () => {
    const text = await sealed();
    for (const length of [0, 1, Math.floor(text.length / 2), text.length - 3]) {
      const error = await failure(
        decryptSecrets(text.slice(0, length), passphrase, { source: 'x.vault' }),
      );
      expect(error.code).toBe('invalid-file');
      expect(error.message).toContain('x.vault');
    }
  });

  it('a newer format version asks to update Kubeflash', async () => {
    const text = edit(await sealed(), (j) => (j.version = 2));
    const error = await failure(decryptSecrets(text, passphrase, { source: '/c/s.vault' }));
    expect(error.code).toBe('invalid-file');
    expect(error.message).toMatch(/version 2.*reads version 1.*Update Kubeflash/);
  });

  it('a JSON file that is not a vault says so', async () => {
    const error = await failure(
      decryptSecrets('{"kind":"Cluster"}', passphrase, { source: 'c.yaml' }),
    );
    expect(error.code).toBe('invalid-file');
    expect(error.message).toContain('c.yaml is not a Kubeflash secrets file');
  });
});

describe('validation of what is encrypted', () => {
  it.each([
    ['an unknown top-level field', { version: 1, extra: 'x' }, 'extra'],
    [
      'an unknown field in the admin certificate',
      {
        version: 1,
        admin: {
          certificatePem: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
          privateKeyPem: '-----BEGIN PRIVATE KEY-----\ny\n-----END PRIVATE KEY-----\n',
          crt: 'c',
        },
      },
      'crt',
    ],
    [
      'an unknown field in an SSH key pair',
      { version: 1, ssh: { hostKeys: {}, user: { privateKey: 'a', publicKey: 'b', seed: 'c' } } },
      'seed',
    ],
    ['a wrong version', { version: 2 }, 'version'],
    [
      'host keys missing the RSA pair',
      { version: 1, ssh: { hostKeys: { n1: { ed25519: { privateKey: 'a', publicKey: 'b' } } } } },
      'rsa',
    ],
  ])('rejects %s with invalid-request', async (_name, value, mentioned) => {
    const error = await failure(encryptSecrets(value as unknown as Secrets, passphrase, fastKdf));
    expect(error.code).toBe('invalid-request');
    expect(error.message).toContain(mentioned);
  });

  it('does not echo a secret value that has the wrong type', async () => {
    const value = { version: 1, wifiPassphrase: ['WIFISECRET-IN-A-LIST'] } as unknown as Secrets;
    const error = await failure(encryptSecrets(value, passphrase, fastKdf));
    expect(error.code).toBe('invalid-request');
    expect(error.message).toContain('wifiPassphrase');
    expect(error.message).not.toContain('WIFISECRET-IN-A-LIST');
  });

  it.each([
    ['too short', 'short12'],
    ['empty', ''],
    ['only spaces', '          '],
  ])('refuses a passphrase that is %s, without echoing it', async (_name, weak) => {
    const error = await failure(encryptSecrets({ version: 1 }, weak, fastKdf));
    expect(error.code).toBe('invalid-request');
    expect(error.subject).toBe('passphrase');
    if (weak.trim()) expect(error.message).not.toContain(weak);
  });

  it('refuses weak scrypt parameters passed by a caller', async () => {
    const error = await failure(encryptSecrets({ version: 1 }, passphrase, { kdf: { N: 100 } }));
    expect(error.code).toBe('invalid-request');
  });
});

describe('describeSecrets', () => {
  it('lists what is present without any value', () => {
    const summary = describeSecrets(sampleSecrets());
    expect(summary).toEqual({
      pki: ['ca', 'etcdCa', 'frontProxyCa', 'serviceAccountKeyPem', 'serviceAccountPublicKeyPem'],
      adminCertificate: true,
      tokens: ['k3s-token'],
      sshUserKey: true,
      sshHostKeys: ['rpi-kube-master-01'],
      passwordHash: true,
      wifiPassphrase: true,
    });
    const text = JSON.stringify(summary);
    for (const value of Object.values(secretValues)) expect(text).not.toContain(value);
  });

  it('describes an empty vault', () => {
    expect(describeSecrets({ version: 1 })).toEqual({
      pki: [],
      adminCertificate: false,
      tokens: [],
      sshUserKey: false,
      sshHostKeys: [],
      passwordHash: false,
      wifiPassphrase: false,
    });
  });
});
