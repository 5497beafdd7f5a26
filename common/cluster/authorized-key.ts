/**
 * authorized_keys line check, usable in the browser and in Node (atob, no Buffer): a known key
 * type, a base64 blob, and the type written inside the blob equal to the one in front.
 */
export const authorizedKeyTypes = [
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;

export interface AuthorizedKey {
  type: string;
  blob: string;
  comment: string;
}

/** Returns the parsed key, or a message saying what is wrong with the line. */
export function checkAuthorizedKey(line: string): AuthorizedKey | { problem: string } {
  const [type = '', blob = '', ...comment] = line.trim().split(/\s+/);
  if (!(authorizedKeyTypes as readonly string[]).includes(type)) {
    return {
      problem: `starts with "${type.slice(0, 40)}", not a public key type (${authorizedKeyTypes.slice(0, 3).join(', ')}, …); paste the .pub file's line`,
    };
  }
  let bytes: string;
  try {
    bytes = atob(blob);
  } catch {
    return { problem: 'the key data is not base64: the line is damaged' };
  }
  if (bytes.length < 4) return { problem: 'the key data is truncated' };
  const length =
    ((bytes.charCodeAt(0) << 24) |
      (bytes.charCodeAt(1) << 16) |
      (bytes.charCodeAt(2) << 8) |
      bytes.charCodeAt(3)) >>>
    0;
  const inner = bytes.slice(4, 4 + length);
  if (length > bytes.length - 4 || inner !== type) {
    return { problem: `the key data does not hold a ${type} key: the line is damaged or mixed up` };
  }
  if (bytes.length < 4 + length + 16) return { problem: 'the key data is truncated' };
  return { type, blob, comment: comment.join(' ') };
}
