import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { KubeflashError } from '../../../../common/errors';
import builtinCatalog from '../../../../resources/os-list.json';
import type { Fetcher } from '../download-image';
import { ImageError } from '../image-error';
import { type CatalogImage, type CatalogLink, parseCatalog } from './parse-catalog';
import { fetchText } from './published-checksum';

export const BUILTIN_SOURCE = 'built-in';
const MAX_CATALOG_BYTES = 5 << 20;
/** Bounds on following `subitems_url` links: nesting depth and fetches per catalog. */
const MAX_LINK_DEPTH = 2;
const MAX_LINK_FETCHES = 16;

export interface LoadCatalogsOptions {
  /** User catalogs: file paths or http(s) URLs, in order; later ones win on equal ids. */
  user?: readonly string[];
  /** Fetches URLs (user catalogs, `subitems_url`); defaults to the global fetch. */
  fetch?: Fetcher;
  signal?: AbortSignal;
  /** Replace the built-in catalog (tests). */
  builtin?: unknown;
}

export interface LoadedCatalogs {
  /** Every image, built-in first; a user image with a built-in image's id replaces it. */
  images: CatalogImage[];
  /** Catalogs or links that could not be used; the others are loaded all the same. */
  problems: KubeflashError[];
}

/** The built-in catalog (resources/os-list.json), checked. Throws if it is invalid. */
export function builtinImages(): CatalogImage[] {
  return parseCatalog(builtinCatalog, BUILTIN_SOURCE).images;
}

/**
 * The built-in catalog merged with the user's catalogs. A user catalog that cannot be read or
 * is invalid is reported in `problems` (naming it and the entry) and skipped.
 */
export async function loadCatalogs(options: LoadCatalogsOptions = {}): Promise<LoadedCatalogs> {
  const fetcher = options.fetch ?? fetch;
  const problems: KubeflashError[] = [];
  const byId = new Map<string, CatalogImage>();
  const add = (images: CatalogImage[]) => {
    for (const image of images) {
      byId.delete(image.id); // re-insert so a replacement takes the later position
      byId.set(image.id, image);
    }
  };

  const builtin = parseCatalog(options.builtin ?? builtinCatalog, BUILTIN_SOURCE);
  add(builtin.images);
  add(await followLinks(builtin.links, BUILTIN_SOURCE, fetcher, options.signal, problems));

  for (const source of options.user ?? []) {
    try {
      const data = await readCatalog(source, fetcher, options.signal);
      const parsed = parseCatalog(data, source);
      add(parsed.images);
      add(await followLinks(parsed.links, source, fetcher, options.signal, problems));
    } catch (error) {
      if (error instanceof ImageError) problems.push(error);
      else throw error;
    }
  }
  return { images: [...byId.values()], problems };
}

async function followLinks(
  links: CatalogLink[],
  source: string,
  fetcher: Fetcher,
  signal: AbortSignal | undefined,
  problems: KubeflashError[],
): Promise<CatalogImage[]> {
  const images: CatalogImage[] = [];
  let fetches = 0;
  let queue = links.map((link) => ({ link, depth: 1 }));
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { link, depth } of queue) {
      if (depth > MAX_LINK_DEPTH || fetches >= MAX_LINK_FETCHES) {
        problems.push(
          new ImageError(
            'invalid-catalog',
            `The OS catalog ${source} links too deeply or too often; "${link.name}" (${link.url}) was not loaded.`,
            source,
          ),
        );
        continue;
      }
      fetches += 1;
      try {
        const text = await fetchText(link.url, { fetch: fetcher, signal }, MAX_CATALOG_BYTES);
        const parsed = parseCatalog(parseJson(text, link.url), link.url, link.group);
        images.push(...parsed.images.map((image) => ({ ...image, source })));
        next.push(...parsed.links.map((child) => ({ link: child, depth: depth + 1 })));
      } catch (error) {
        if (error instanceof ImageError) problems.push(error);
        else throw error;
      }
    }
    queue = next;
  }
  return images;
}

async function readCatalog(
  source: string,
  fetcher: Fetcher,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  if (/^https?:\/\//i.test(source)) {
    return parseJson(
      await fetchText(source, { fetch: fetcher, signal }, MAX_CATALOG_BYTES),
      source,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !/^file:\/\//i.test(source)) {
    throw new ImageError(
      'invalid-catalog',
      `The OS catalog ${source} is neither a file nor an http(s) address.`,
      source,
    );
  }
  const path = source.startsWith('file://') ? new URL(source).pathname : resolve(source);
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    throw new ImageError(
      'not-found',
      `The OS catalog ${path} does not exist. Check the path in Settings.`,
      source,
    );
  }
  if (size > MAX_CATALOG_BYTES) {
    throw new ImageError(
      'invalid-catalog',
      `The OS catalog ${path} is larger than 5 MiB: it is not an os_list catalog.`,
      source,
    );
  }
  return parseJson(await readFile(path, 'utf8'), source);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ImageError(
      'invalid-catalog',
      `The OS catalog ${source} is not valid JSON (${(error as Error).message}).`,
      source,
    );
  }
}
