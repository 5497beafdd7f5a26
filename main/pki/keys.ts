import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type KeyObject,
  type webcrypto,
} from 'node:crypto';
import { promisify } from 'node:util';

import { nodeCrypto } from './x509';

/** The two key types the distributions' own tooling generates, and so the only ones we make. */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

export interface KeyPairPem {
  /** Traditional encoding ("RSA PRIVATE KEY" / "EC PRIVATE KEY"), as kubeadm, k3s and k0s write. */
  privateKeyPem: string;
  /** SubjectPublicKeyInfo ("PUBLIC KEY"), the format of kubeadm's and k0s's sa.pub. */
  publicKeyPem: string;
}

const generateKeyPairAsync = promisify(generateKeyPair);

/**
 * Generate a key pair. Node's async generator runs on the libuv thread pool, so the several RSA
 * keys of a kubeadm or k0s PKI are made in parallel and the main loop stays responsive.
 */
export async function generateKeyPairPem(algorithm: KeyAlgorithm): Promise<KeyPairPem> {
  const { privateKey, publicKey } =
    algorithm === 'rsa-2048'
      ? await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
      : await generateKeyPairAsync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKeyPem: exportPrivateKeyPem(privateKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function exportPrivateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1';
  return key.export({ type, format: 'pem' }).toString();
}

export interface SigningKey {
  keys: webcrypto.CryptoKeyPair;
  /** WebCrypto algorithm for signatures made with this key (always SHA-256). */
  signingAlgorithm: webcrypto.RsaHashedImportParams | webcrypto.EcdsaParams;
}

/** Load a PEM private key (any of PKCS#1, SEC1, PKCS#8) as a WebCrypto pair for signing. */
export async function loadSigningKey(privateKeyPem: string): Promise<SigningKey> {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new Error(`Not a readable private key: ${(error as Error).message}`);
  }
  const importParams = webCryptoParams(privateKey);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const subtle = nodeCrypto.subtle;
  const keys: webcrypto.CryptoKeyPair = {
    privateKey: await subtle.importKey('pkcs8', pkcs8, importParams, false, ['sign']),
    publicKey: await subtle.importKey('spki', spki, importParams, true, ['verify']),
  };
  const signingAlgorithm =
    importParams.name === 'ECDSA'
      ? { name: 'ECDSA', hash: 'SHA-256' }
      : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  return { keys, signingAlgorithm };
}

function webCryptoParams(
  key: KeyObject,
): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams {
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : null;
    if (namedCurve) return { name: 'ECDSA', namedCurve };
  }
  const detail = key.asymmetricKeyDetails?.namedCurve ?? key.asymmetricKeyType ?? 'unknown';
  throw new Error(`Unsupported key type for signing certificates: ${detail}`);
}
