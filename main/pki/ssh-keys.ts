import { createHash } from 'node:crypto';

import { parseAuthorizedKey } from '../../common/cluster/authorized-key';
import { KubeflashError } from '../../common/errors';

export {
  type AuthorizedKey,
  parseAuthorizedKey,
  type SshKeyType,
  sshKeyTypes,
} from '../../common/cluster/authorized-key';

export interface SshKeyPair {
  /** OpenSSH format, unencrypted ("-----BEGIN OPENSSH PRIVATE KEY-----"), newline-terminated. */
  privateKey: string;
  /** One authorized_keys line: "<type> <base64> <comment>". */
  publicKey: string;
}

/** The files /etc/ssh/ssh_host_{ed25519,rsa}_key{,.pub} of one node. */
export interface SshHostKeys {
  ed25519: SshKeyPair;
  rsa: SshKeyPair;
}

/** RFC 1123 labels, dot-separated. */
const hostnamePattern =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** RSA host keys: ssh-keygen's default size since OpenSSH 9.5. */
export const rsaHostKeyBits = 3072;

/** A new ed25519 key pair for logging in to the nodes. */
export async function generateUserKeyPair(comment: string): Promise<SshKeyPair> {
  return generate({ type: 'ed25519' }, checkComment(comment));
}

/**
 * Host keys for one node, generated here so the app can pin them before the node first boots.
 * The comment is root@hostname, as `ssh-keygen -A` on the node would write.
 */
export async function generateHostKeys(hostname: string): Promise<SshHostKeys> {
  if (!hostnamePattern.test(hostname) || hostname.length > 253) {
    throw new KubeflashError(
      'invalid-request',
      `"${hostname.slice(0, 60)}" is not a valid hostname: use letters, digits and hyphens, dot-separated.`,
      'hostname',
    );
  }
  const comment = `root@${hostname}`;
  const [ed25519, rsa] = await Promise.all([
    generate({ type: 'ed25519' }, comment),
    generate({ type: 'rsa', bits: rsaHostKeyBits }, comment),
  ]);
  return { ed25519, rsa };
}

/** "SHA256:<base64 without padding>", as `ssh-keygen -l` prints it. */
export function publicKeyFingerprint(publicKeyLine: string): string {
  const { blob } = parseAuthorizedKey(publicKeyLine);
  return keyBlobFingerprint(Buffer.from(blob, 'base64'));
}

/** The same fingerprint of a raw key blob (SSH wire format), e.g. the key a server presented. */
export function keyBlobFingerprint(blob: Uint8Array): string {
  const digest = createHash('sha256').update(blob).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

function checkComment(comment: string): string {
  if (/\p{Cc}/u.test(comment)) {
    throw keyError(
      'The key comment must be one line of text without control characters.',
      'comment',
    );
  }
  return comment.trim();
}

function keyError(message: string, subject = 'publicKey'): KubeflashError {
  return new KubeflashError('invalid-request', message, subject);
}

type KeySpec = { type: 'ed25519' } | { type: 'rsa'; bits: number };

/**
 * ssh2 writes an ed25519 public key whose first byte is 0 as a 31-byte string (about 1 key in
 * 256), which OpenSSH rejects. Such a pair is discarded and made again; the check is the same
 * strict parser users' keys go through. Bounded: eight bad draws in a row is a bug, not chance.
 */
async function generate(spec: KeySpec, comment: string): Promise<SshKeyPair> {
  for (let attempt = 1; ; attempt++) {
    const pair = await generateOnce(spec, comment);
    try {
      parseAuthorizedKey(pair.publicKey);
      return pair;
    } catch (error) {
      if (attempt >= 8) throw error;
    }
  }
}

async function generateOnce(spec: KeySpec, comment: string): Promise<SshKeyPair> {
  // Loaded here, not at the top: only making keys needs ssh2 (about 0.07 s of CPU to load).
  // CommonJS: its `utils` is reachable only through the default export.
  const { default: ssh2 } = await import('ssh2');
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, pair: { private: string; public: string }) => {
      if (error) reject(error);
      else resolve({ privateKey: pair.private, publicKey: pair.public });
    };
    // The asynchronous form: a 3072-bit RSA key takes long enough to stall the UI if generated inline.
    if (spec.type === 'rsa') ssh2.utils.generateKeyPair('rsa', { bits: spec.bits, comment }, done);
    else ssh2.utils.generateKeyPair('ed25519', { comment }, done);
  });
}
