import type { Fetcher } from '../download-image';
import { ImageError } from '../image-error';
import type { CatalogImage } from './parse-catalog';

const MAX_CHECKSUM_FILE = 1 << 20;

export interface PublishedChecksum {
  /** The sha256 to expect for the download, or null when none is published. */
  sha256: string | null;
  state: 'published' | 'sidecar' | 'not-published';
  /** Why a sidecar could not be used, to show beside "checksum not published". */
  note: string | null;
}

/**
 * The sha256 an image's download must have: from the catalog, or fetched from the publisher's
 * checksum file (Raspberry Pi's `<url>.sha256`, Ubuntu's SHA256SUMS, Alpine's `.sha256`), or
 * none. A checksum file that cannot be fetched or does not list the file gives 'not-published'
 * with a note, never a guess.
 */
export async function publishedChecksum(
  image: CatalogImage,
  options: { fetch: Fetcher; signal?: AbortSignal; timeoutMs?: number },
): Promise<PublishedChecksum> {
  if (image.downloadSha256) return { sha256: image.downloadSha256, state: 'published', note: null };
  if (!image.checksumUrl) return { sha256: null, state: 'not-published', note: null };
  try {
    const text = await fetchText(image.checksumUrl, options);
    const sha256 = findChecksum(text, fileNameOf(image.url));
    if (sha256) return { sha256, state: 'sidecar', note: null };
    return {
      sha256: null,
      state: 'not-published',
      note: `${image.checksumUrl} does not list ${fileNameOf(image.url)}`,
    };
  } catch (error) {
    return { sha256: null, state: 'not-published', note: (error as Error).message };
  }
}

/** The sha256 for `fileName` in `sha256sum` output (or a file holding just one hash). */
export function findChecksum(text: string, fileName: string): string | null {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  for (const line of lines) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+)$/.exec(line);
    if (match && fileNameOf(match[2]!) === fileName) return match[1]!.toLowerCase();
  }
  if (lines.length === 1 && /^[0-9a-fA-F]{64}$/.test(lines[0]!)) return lines[0]!.toLowerCase();
  return null;
}

function fileNameOf(pathOrUrl: string): string {
  const path = /^https?:/i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  return decodeURIComponent(path.split('/').pop() ?? '');
}

/** GET a small text file through the injected fetcher, bounded in size and time. */
export async function fetchText(
  url: string,
  options: { fetch: Fetcher; signal?: AbortSignal; timeoutMs?: number },
  maxBytes = MAX_CHECKSUM_FILE,
): Promise<string> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await options.fetch(url, { signal, redirect: 'follow' });
  } catch (error) {
    throw new ImageError(
      'network-error',
      `${url} could not be fetched (${(error as Error).message}).`,
      url,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ImageError(
      'http-error',
      `${url} could not be fetched: the server answered HTTP ${response.status}.`,
      url,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > maxBytes) {
        await response.body.cancel().catch(() => {});
        throw new ImageError(
          'invalid-catalog',
          `${url} is larger than ${maxBytes} bytes: it is not what was expected.`,
          url,
        );
      }
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
