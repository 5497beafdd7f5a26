/** `Content-Range: bytes start-end/total` (total may be a star), or a star and a total in a 416. */
export interface ContentRange {
  start: number | null;
  end: number | null;
  total: number | null;
}

export function parseContentRange(header: string | null): ContentRange | null {
  if (!header) return null;
  const match = /^\s*bytes\s+(?:(\d+)-(\d+)|\*)\s*\/\s*(\d+|\*)\s*$/i.exec(header);
  if (!match) return null;
  return {
    start: match[1] === undefined ? null : Number(match[1]),
    end: match[2] === undefined ? null : Number(match[2]),
    total: match[3] === '*' || match[3] === undefined ? null : Number(match[3]),
  };
}

/** Content-Length as a number, or null when absent or not a number. */
export function contentLength(header: string | null): number | null {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return null;
  return Number(header);
}

/** Statuses worth another attempt (the server or a proxy may recover). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}
