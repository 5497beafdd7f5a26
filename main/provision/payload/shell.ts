/** POSIX sh single-quoting: safe for any value, including quotes and newlines. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Base64 in lines of 76, as `base64` writes it: no heredoc delimiter can occur in it. */
export function base64Lines(content: string | Uint8Array): string[] {
  const encoded = Buffer.from(content).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.length > 0 ? lines : [''];
}

/** A script's text from its lines, newline-terminated. */
export function script(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
