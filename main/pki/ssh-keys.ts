import { createHash } from 'node:crypto';

import ssh2 from 'ssh2'; // CommonJS: its `utils` is reachable only through the default export

import { KubeflashError } from '../../common/errors';

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

export const sshKeyTypes = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof sshKeyTypes)[number];

export interface AuthorizedKey {
  type: SshKeyType;
  /** The key blob, base64 as on the line. */
  blob: string;
  /** Free text after the key; empty when there is none. */
  comment: string;
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
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/**
 * Validate one authorized_keys line ("<type> <base64> [comment]") down to the structure of the
 * key blob, so a key pasted with a missing character is caught here rather than at first login.
 * Lines with options (from=, command=, …) are refused: the app writes plain keys only.
 */
export function parseAuthorizedKey(line: string): AuthorizedKey {
  const text = line.replace(/\r?\n$/, '').trim();
  if (text.length === 0)
    throw keyError(
      'The SSH public key is empty. Paste a line such as "ssh-ed25519 AAAA… you@laptop".',
    );
  if (/[\r\n]/.test(text)) throw keyError('Paste one SSH public key: the text has several lines.');
  if (text.startsWith('-----BEGIN')) {
    throw keyError('This is a private key. Paste the public key instead (the .pub file).');
  }
  if (text.startsWith('#')) throw keyError('This line is a comment, not an SSH public key.');
  const [type = '', data = '', ...rest] = text.split(/\s+/);
  if (!isKeyType(type)) {
    if (sshKeyTypes.some((known) => text.includes(` ${known} `))) {
      throw keyError(
        'Remove the options before the key type (from=, command=, …): paste the plain public key.',
      );
    }
    throw keyError(
      `Unsupported SSH key type "${type.slice(0, 40)}". Use one of: ${sshKeyTypes.join(', ')}.`,
    );
  }
  if (data.length === 0) throw keyError(`The ${type} key has no key data after its type.`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw keyError(`The ${type} key data is not valid base64: it may be cut short or mistyped.`);
  }
  checkBlob(type, Buffer.from(data, 'base64'));
  return { type, blob: data, comment: rest.join(' ') };
}

function isKeyType(value: string): value is SshKeyType {
  return (sshKeyTypes as readonly string[]).includes(value);
}

const curveOf: Partial<Record<SshKeyType, { name: string; coordinateBytes: number }>> = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', coordinateBytes: 32 },
  'ecdsa-sha2-nistp384': { name: 'nistp384', coordinateBytes: 48 },
  'ecdsa-sha2-nistp521': { name: 'nistp521', coordinateBytes: 66 },
  'sk-ecdsa-sha2-nistp256@openssh.com': { name: 'nistp256', coordinateBytes: 32 },
};

/** Walk the SSH wire format of the key blob (RFC 4253 §6.6, RFC 5656, PROTOCOL.u2f). */
function checkBlob(type: SshKeyType, blob: Buffer): void {
  const reader = new WireReader(blob, type);
  const embedded = reader.string().toString('latin1');
  if (embedded !== type) {
    throw keyError(
      `The key data is for "${embedded.slice(0, 40)}" but the line says "${type}": the line was edited or mixed up.`,
    );
  }
  if (type === 'ssh-rsa') {
    const exponent = reader.mpint();
    const modulus = reader.mpint();
    if (exponent.length === 0 || modulus.length === 0)
      throw keyError('The ssh-rsa key is malformed.');
    const bits = bitLength(modulus);
    if (bits < 1024) {
      throw keyError(
        `The ssh-rsa key has only ${bits} bits; OpenSSH refuses RSA keys under 1024 bits.`,
      );
    }
  } else if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
    if (reader.string().length !== 32)
      throw keyError(`The ${type} key is malformed (wrong key length).`);
  } else {
    const curve = curveOf[type];
    if (!curve) throw keyError(`Unsupported SSH key type "${type}".`);
    const name = reader.string().toString('latin1');
    if (name !== curve.name)
      throw keyError(
        `The ${type} key names curve "${name.slice(0, 20)}" instead of ${curve.name}.`,
      );
    const point = reader.string();
    if (point.length !== 1 + 2 * curve.coordinateBytes || point[0] !== 0x04) {
      throw keyError(`The ${type} key is malformed (bad curve point).`);
    }
  }
  if (type.startsWith('sk-')) reader.string(); // the FIDO application, usually "ssh:"
  if (!reader.done())
    throw keyError(`The ${type} key has extra data after the key: it was edited or mixed up.`);
}

/** Reads length-prefixed fields; running out of data means the key was cut short. */
class WireReader {
  private offset = 0;
  constructor(
    private readonly data: Buffer,
    private readonly type: string,
  ) {}

  string(): Buffer {
    if (this.offset + 4 > this.data.length) throw this.truncated();
    const length = this.data.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + length > this.data.length) throw this.truncated();
    this.offset = start + length;
    return this.data.subarray(start, this.offset);
  }

  /** A positive mpint without its sign-padding zero bytes. */
  mpint(): Buffer {
    const value = this.string();
    let start = 0;
    while (start < value.length && value[start] === 0) start += 1;
    return value.subarray(start);
  }

  done(): boolean {
    return this.offset === this.data.length;
  }

  private truncated(): KubeflashError {
    return keyError(`The ${this.type} key data is cut short: copy the whole line again.`);
  }
}

function bitLength(magnitude: Buffer): number {
  const top = magnitude[0] ?? 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(top));
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

function generate(spec: KeySpec, comment: string): Promise<SshKeyPair> {
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
