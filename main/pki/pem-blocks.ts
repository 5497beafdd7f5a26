export interface PemBlock {
  type: string;
  /** True when the block has RFC 1421 headers ("Proc-Type: ..."). */
  hasHeaders: boolean;
  der: Uint8Array;
}

const BLOCK = /(?:^|\n)-----BEGIN ([^\n]*?)-----[ \t]*\r?\n([\s\S]*?)(?:^|\n)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The PEM blocks of a file, in order, in the spirit of Go's encoding/pem Decode loop: a BEGIN
 * line must start a line, headers are "Key: value" lines before a blank line, and a block whose
 * body is not valid base64 is skipped, as Go skips it.
 */
export function pemBlocks(bytes: Uint8Array): PemBlock[] {
  // latin1 maps bytes 1:1 to characters, so stray binary bytes cannot shift anything.
  const text = Buffer.from(bytes).toString('latin1');
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const type = match[1]!;
    const lines = match[2]!.split('\n').map((line) => line.replace(/\r$/, ''));
    const hasHeaders = lines.length > 0 && lines[0]!.includes(':');
    const bodyStart = hasHeaders ? lines.findIndex((line) => line.trim() === '') + 1 : 0;
    if (hasHeaders && bodyStart === 0) continue;
    const body = lines.slice(bodyStart).join('').replace(/[ \t]/g, '');
    if (!BASE64.test(body) || body.length % 4 !== 0) continue;
    blocks.push({ type, hasHeaders, der: new Uint8Array(Buffer.from(body, 'base64')) });
  }
  return blocks;
}
