import { KubeflashError } from '../errors';

/**
 * authorized_keys lines, checked down to the key blob's wire format so that a key pasted with a
 * missing character is caught when planning, not at first login. Browser- and Node-safe (no
 * Buffer): the UI validates with the same code as the CLI.
 */
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
  checkBlob(type, base64Bytes(data));
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
function checkBlob(type: SshKeyType, blob: Uint8Array): void {
  const reader = new WireReader(blob, type);
  const embedded = latin1(reader.string());
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
    const name = latin1(reader.string());
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
    private readonly data: Uint8Array,
    private readonly type: string,
  ) {}

  string(): Uint8Array {
    if (this.offset + 4 > this.data.length) throw this.truncated();
    const length = new DataView(this.data.buffer, this.data.byteOffset).getUint32(this.offset);
    const start = this.offset + 4;
    if (start + length > this.data.length) throw this.truncated();
    this.offset = start + length;
    return this.data.subarray(start, this.offset);
  }

  /** A positive mpint without its sign-padding zero bytes. */
  mpint(): Uint8Array {
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

function bitLength(magnitude: Uint8Array): number {
  const top = magnitude[0] ?? 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(top));
}

function keyError(message: string, subject = 'publicKey'): KubeflashError {
  return new KubeflashError('invalid-request', message, subject);
}

function base64Bytes(data: string): Uint8Array {
  return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** For validation: the parsed key, or what is wrong with the line. */
export function checkAuthorizedKey(line: string): AuthorizedKey | { problem: string } {
  try {
    return parseAuthorizedKey(line);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
