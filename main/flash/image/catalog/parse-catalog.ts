import type { z } from 'zod';

import type { OsFamily } from '../../../provision/model';
import { ImageError } from '../image-error';
import { entryKind, GroupEntry, ImageEntry, type InitFormat, LinkEntry } from './os-list-schema';

/** One image of a catalog, flattened out of its groups, with Imager's fields renamed. */
export interface CatalogImage {
  /** Stable id: `kubeflash.id`, or derived from the group and image names. */
  id: string;
  name: string;
  description: string;
  /** Names of the groups it sits in, outermost first. */
  group: string[];
  icon: string | null;
  website: string | null;
  url: string;
  releaseDate: string | null;
  initFormat: InitFormat | null;
  devices: string[];
  family: OsFamily | null;
  downloadSize: number | null;
  downloadSha256: string | null;
  extractSize: number | null;
  extractSha256: string | null;
  /**
   * How the download is checked: a sha256 in the catalog ('published'), one to fetch from the
   * publisher's checksum file ('sidecar', at `checksumUrl`), or none ('not-published': the app
   * computes the sha256 and shows "checksum not published").
   */
  checksum: 'published' | 'sidecar' | 'not-published';
  checksumUrl: string | null;
  /** Which catalog it came from: 'built-in', a file path or a URL. */
  source: string;
}

/** A `subitems_url` entry, to be fetched and parsed as a catalog of its own. */
export interface CatalogLink {
  name: string;
  group: string[];
  url: string;
}

export interface ParsedCatalog {
  images: CatalogImage[];
  links: CatalogLink[];
}

/**
 * Check a catalog (already JSON-parsed) against the os_list format and flatten it. Throws an
 * ImageError ('invalid-catalog') naming the catalog, the entry (by its group path and name, or
 * its position) and the field that is wrong.
 */
export function parseCatalog(data: unknown, source: string, group: string[] = []): ParsedCatalog {
  if (
    typeof data !== 'object' ||
    data === null ||
    !Array.isArray((data as { os_list?: unknown }).os_list)
  ) {
    throw invalid(
      source,
      'it has no "os_list" array: it is not a Raspberry Pi Imager os_list catalog',
    );
  }
  const result: ParsedCatalog = { images: [], links: [] };
  walk((data as { os_list: unknown[] }).os_list, group, 'os_list', source, result);
  const seen = new Map<string, CatalogImage>();
  for (const image of result.images) {
    const other = seen.get(image.id);
    if (other) {
      throw invalid(
        source,
        `entry "${label(image.group, image.name)}" has the same id "${image.id}" as entry "${label(other.group, other.name)}": give one of them its own "kubeflash": {"id": …}`,
      );
    }
    seen.set(image.id, image);
  }
  return result;
}

function walk(
  entries: unknown[],
  group: string[],
  at: string,
  source: string,
  out: ParsedCatalog,
): void {
  entries.forEach((raw, index) => {
    const where = `${at}[${index}]`;
    const rawName =
      typeof (raw as { name?: unknown })?.name === 'string' ? (raw as { name: string }).name : null;
    const named = rawName ? `entry "${label(group, rawName)}"` : `entry ${where}`;
    switch (entryKind(raw)) {
      case 'group': {
        const parsed = check(GroupEntry.safeParse(stripSubitems(raw)), named, source);
        const subitems = (raw as { subitems: unknown }).subitems;
        if (!Array.isArray(subitems))
          throw invalid(source, `${named}: "subitems" must be an array`);
        walk(subitems, [...group, parsed.name], `${where}.subitems`, source, out);
        break;
      }
      case 'link': {
        const parsed = check(LinkEntry.safeParse(raw), named, source);
        out.links.push({
          name: parsed.name,
          group: [...group, parsed.name],
          url: parsed.subitems_url,
        });
        break;
      }
      case 'image':
        out.images.push(toImage(check(ImageEntry.safeParse(raw), named, source), group, source));
        break;
      default:
        throw invalid(
          source,
          `${named} is neither an image (with "url"), a group (with "subitems") nor a link (with "subitems_url")`,
        );
    }
  });
}

/** Group entries are checked without their subitems, which are walked one by one. */
function stripSubitems(raw: unknown): unknown {
  return { ...(raw as object), subitems: [] };
}

function check<T>(result: z.ZodSafeParseResult<T>, named: string, source: string): T {
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  throw invalid(source, `${named}: ${field ? `"${field}" ` : ''}${issue.message}`);
}

function toImage(entry: ImageEntry, group: string[], source: string): CatalogImage {
  const published = entry.image_download_sha256 ?? entry.extract_sha256;
  const sidecar = entry.kubeflash?.image_download_sha256_url ?? null;
  return {
    id: entry.kubeflash?.id ?? slug([...group, entry.name]),
    name: entry.name,
    description: entry.description,
    group,
    icon: entry.icon ?? null,
    website: entry.website ?? null,
    url: entry.url,
    releaseDate: entry.release_date ?? null,
    initFormat: entry.init_format ?? null,
    devices: entry.devices ?? [],
    family: entry.kubeflash?.family ?? null,
    downloadSize: entry.image_download_size ?? null,
    downloadSha256: entry.image_download_sha256 ?? null,
    extractSize: entry.extract_size ?? null,
    extractSha256: entry.extract_sha256 ?? null,
    checksum: published ? 'published' : sidecar ? 'sidecar' : 'not-published',
    checksumUrl: sidecar,
    source,
  };
}

export function slug(parts: string[]): string {
  return (
    parts
      .join('-')
      .toLowerCase()
      .replace(/[^a-z0-9.]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'image'
  );
}

function label(group: string[], name: string): string {
  return [...group, name].join(' › ');
}

function invalid(source: string, problem: string): ImageError {
  return new ImageError(
    'invalid-catalog',
    `The OS catalog ${source} is invalid: ${problem}.`,
    source,
  );
}
