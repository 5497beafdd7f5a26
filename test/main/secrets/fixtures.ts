import type { Secrets } from '../../../main/secrets';

/** Cheap scrypt parameters: the format and checks are the same, only the cost is lower. */
export const fastKdf = { kdf: { N: 2 ** 10, r: 8, p: 1 } };

export const passphrase = 'correct horse battery staple';

/** Distinctive values, so a test can look for them in files and messages. */
export const secretValues = {
  caKey: '-----BEGIN PRIVATE KEY-----\nCAKEYSECRETVALUE0001\n-----END PRIVATE KEY-----\n',
  caCert: '-----BEGIN CERTIFICATE-----\nCACERTVALUE0002\n-----END CERTIFICATE-----\n',
  saKey: '-----BEGIN PRIVATE KEY-----\nSAKEYSECRETVALUE0003\n-----END PRIVATE KEY-----\n',
  token: 'K10TOKENSECRETVALUE0004',
  userPrivate:
    '-----BEGIN OPENSSH PRIVATE KEY-----\nUSERKEYSECRET0005\n-----END OPENSSH PRIVATE KEY-----\n',
  hostEdPrivate: 'HOSTED25519SECRET0006',
  hostRsaPrivate: 'HOSTRSASECRET0007',
  passwordHash: '$6$rounds=5000$SALTSECRET0008$HASHVALUE',
  wifiPassphrase: 'WIFISECRETVALUE0009',
};

export function sampleSecrets(): Secrets {
  return {
    version: 1,
    pki: {
      distribution: 'kubeadm',
      clusterName: 'lab',
      ca: { certificatePem: secretValues.caCert, privateKeyPem: secretValues.caKey },
      frontProxyCa: { certificatePem: secretValues.caCert, privateKeyPem: secretValues.caKey },
      etcdCa: { certificatePem: secretValues.caCert, privateKeyPem: secretValues.caKey },
      serviceAccountKeyPem: secretValues.saKey,
      serviceAccountPublicKeyPem: '-----BEGIN PUBLIC KEY-----\nSAPUB\n-----END PUBLIC KEY-----\n',
    },
    admin: { certificatePem: secretValues.caCert, privateKeyPem: secretValues.caKey },
    tokens: { 'k3s-token': secretValues.token },
    ssh: {
      user: {
        privateKey: secretValues.userPrivate,
        publicKey: 'ssh-ed25519 AAAAUSERPUB me@laptop',
      },
      hostKeys: {
        'rpi-kube-master-01': {
          ed25519: { privateKey: secretValues.hostEdPrivate, publicKey: 'ssh-ed25519 AAAAHOSTPUB' },
          rsa: { privateKey: secretValues.hostRsaPrivate, publicKey: 'ssh-rsa AAAAHOSTRSAPUB' },
        },
      },
    },
    passwordHash: secretValues.passwordHash,
    wifiPassphrase: secretValues.wifiPassphrase,
  };
}

/** Run a promise that must fail; returns the error so a test can inspect it. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code?: string; message: string; subject?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string; subject?: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
