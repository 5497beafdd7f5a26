import { z } from 'zod';

import { osFamilies } from '../../../provision/model';

/**
 * Raspberry Pi Imager's os_list JSON (doc/json-schema/os-list-schema.json in
 * raspberrypi/rpi-imager): a top-level `os_list` of entries; an entry is an image (`url`), a
 * group with inline `subitems`, or a link to another list (`subitems_url`). Imager allows
 * extra fields; Kubeflash adds one object, `kubeflash`, described below. Where Imager requires
 * a checksum or size that the publisher does not give, Kubeflash leaves it out rather than
 * inventing one, and the entry must say how its checksum is found (see `checksum`).
 */

const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be a sha256 checksum (64 hex digits)')
  .transform((value) => value.toLowerCase());

const httpUrl = z
  .string()
  .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), 'must be an http(s) URL');

/** Init formats Imager accepts (src/oslistparser.cpp, VALID_INIT_FORMATS). */
export const InitFormat = z.enum([
  '',
  'systemd',
  'cloudinit',
  'cloudinit-rpi',
  'rpi-preseed',
  'none',
]);
export type InitFormat = z.infer<typeof InitFormat>;

/** Kubeflash's extension of an image entry. */
export const KubeflashExtension = z.strictObject({
  /** Stable id for the CLI (`--image ID`) and settings; derived from the names when absent. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"')
    .optional(),
  /** The OS family this image should be (detection from its boot partition decides). */
  family: z.enum(osFamilies).optional(),
  /**
   * "not-published": the publisher gives no checksum; the app computes the sha256 while
   * downloading and shows "checksum not published". "published" (the default) needs
   * `image_download_sha256`, `extract_sha256` or `image_download_sha256_url`.
   */
  checksum: z.enum(['published', 'not-published']).optional(),
  /** Where the publisher's checksum file is (`<hash>  <file>` lines: a .sha256 or SHA256SUMS). */
  image_download_sha256_url: httpUrl.optional(),
});
export type KubeflashExtension = z.infer<typeof KubeflashExtension>;

const common = {
  name: z.string().trim().min(1, 'must not be empty'),
  description: z.string(),
  icon: z.string().optional(),
  website: z.string().optional(),
};

export const ImageEntry = z
  .looseObject({
    ...common,
    url: httpUrl,
    extract_size: z.number().int().positive().optional(),
    extract_sha256: sha256.optional(),
    image_download_size: z.number().int().positive().optional(),
    image_download_sha256: sha256.optional(),
    release_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2025-05-13')
      .optional(),
    init_format: InitFormat.optional(),
    devices: z.array(z.string()).optional(),
    kubeflash: KubeflashExtension.optional(),
  })
  .superRefine((entry, ctx) => {
    const notPublished = entry.kubeflash?.checksum === 'not-published';
    const hasChecksum =
      entry.image_download_sha256 !== undefined ||
      entry.extract_sha256 !== undefined ||
      entry.kubeflash?.image_download_sha256_url !== undefined;
    if (notPublished && (entry.image_download_sha256 || entry.extract_sha256)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kubeflash', 'checksum'],
        message: 'says "not-published" but the entry has a sha256: remove one of them',
      });
    }
    if (!notPublished && !hasChecksum) {
      ctx.addIssue({
        code: 'custom',
        path: ['image_download_sha256'],
        message:
          'is missing: give image_download_sha256 (or extract_sha256, or kubeflash.image_download_sha256_url), or mark the entry "kubeflash": {"checksum": "not-published"}',
      });
    }
  });
export type ImageEntry = z.infer<typeof ImageEntry>;

export const LinkEntry = z.looseObject({ ...common, subitems_url: httpUrl });
export type LinkEntry = z.infer<typeof LinkEntry>;

export type GroupEntry = {
  name: string;
  description: string;
  icon?: string;
  website?: string;
  subitems: OsListEntry[];
  [key: string]: unknown;
};
export type OsListEntry = ImageEntry | GroupEntry | LinkEntry;

export const GroupEntry: z.ZodType<GroupEntry> = z.looseObject({
  ...common,
  subitems: z.array(z.lazy(() => OsListEntry)),
});

/** Which kind an entry is, from its keys (as Imager decides). */
export function entryKind(entry: unknown): 'image' | 'group' | 'link' | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  if ('subitems' in entry) return 'group';
  if ('subitems_url' in entry) return 'link';
  if ('url' in entry) return 'image';
  return null;
}

export const OsListEntry: z.ZodType<OsListEntry> = z.lazy(() =>
  z.union([GroupEntry, LinkEntry, ImageEntry]),
);

/** A whole os_list file (Imager's optional `imager` metadata is allowed and ignored). */
export const OsList = z.looseObject({
  imager: z.record(z.string(), z.unknown()).optional(),
  os_list: z.array(OsListEntry),
});
export type OsList = z.infer<typeof OsList>;
