import { z } from 'zod';

import { AbsolutePath } from './cluster-file';
import { Drive } from './drives';
import { SerializedError } from './errors';

/** What the UI shows of the OS catalog (Raspberry Pi Imager's os_list format underneath). */
export const CatalogImageView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  family: z.string().nullable(),
  url: z.string(),
  releaseDate: z.string().nullable(),
  downloadSize: z.number().nullable(),
  extractSize: z.number().nullable(),
  checksum: z.enum(['published', 'sidecar', 'not-published']),
});
export type CatalogImageView = z.infer<typeof CatalogImageView>;

export const CatalogView = z.object({
  images: z.array(CatalogImageView),
  problems: z.array(z.string()),
});

export const ImageCacheView = z.object({
  dir: z.string(),
  maxBytes: z.number(),
  totalBytes: z.number(),
  entries: z.array(
    z.object({
      /** sha256 of the archive the image came from (the cache key). */
      sourceSha256: z.string(),
      /** sha256 of the raw image; null when no published checksum asked for it. */
      imageSha256: z.string().nullable(),
      size: z.number(),
      source: z.string(),
      inUse: z.boolean(),
    }),
  ),
});
export type ImageCacheView = z.infer<typeof ImageCacheView>;

/** An image checked, decompressed into the cache and its OS detected from its boot partition. */
export const InspectedImage = z.object({
  reference: z.string(),
  format: z.string(),
  size: z.number(),
  /** sha256 of the file chosen: the archive, or the raw image itself. */
  fileSha256: z.string(),
  /** sha256 of the raw image inside an archive, when a published checksum asked for it. */
  imageSha256: z.string().nullable(),
  fromCache: z.boolean(),
  family: z.string(),
  evidence: z.array(z.string()),
});
export type InspectedImage = z.infer<typeof InspectedImage>;

export const ImageProgressEvent = z.object({
  reference: z.string(),
  step: z.enum(['download', 'prepare']),
  phase: z.string(),
  bytes: z.number(),
  total: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});

export const FlashTarget = z.object({
  drive: Drive,
  refusals: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type FlashTarget = z.infer<typeof FlashTarget>;

export const FlashNodeRequest = z
  .object({
    path: AbsolutePath,
    hostname: z.string().min(1).max(63),
    device: z.string().min(1).max(4096),
    /** A file path or catalog id; default: the node's image, else the plan's default. */
    image: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const FlashProgressEvent = z.object({
  jobId: z.string(),
  hostname: z.string(),
  device: z.string(),
  step: z.enum(['image', 'card']),
  phase: z.string(),
  bytes: z.number(),
  total: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});
export type FlashProgressEvent = z.infer<typeof FlashProgressEvent>;

export const FlashFinishedEvent = z.object({
  jobId: z.string(),
  hostname: z.string(),
  device: z.string(),
  ok: z.boolean(),
  family: z.string().nullable(),
  bytesWritten: z.number().nullable(),
  /** Whether the card was ejected (false for loop devices and where no eject exists). */
  ejected: z.boolean().nullable(),
  error: SerializedError.nullable(),
});
export type FlashFinishedEvent = z.infer<typeof FlashFinishedEvent>;

/** A flash job as the Node side keeps it: running, or finished recently (a reload sees both). */
export const FlashJobView = z.object({
  jobId: z.string(),
  hostname: z.string(),
  device: z.string(),
  clusterPath: z.string(),
  startedAt: z.string(),
  /** The latest progress event's fields; null until the first one. */
  progress: FlashProgressEvent.omit({ jobId: true, hostname: true, device: true }).nullable(),
  /** The outcome, once finished; null while the card is being written. */
  finished: FlashFinishedEvent.omit({ jobId: true, hostname: true, device: true }).nullable(),
});
export type FlashJobView = z.infer<typeof FlashJobView>;

/** The endings of image files a file dialog offers (the format itself is detected by content). */
export const imageFileExtensions = ['img', 'xz', 'zip', 'gz', 'bz2', 'zst'] as const;

/** The web server's upload endpoint (POST the file's bytes; `?name=` its file name). */
export const imageUploadPath = '/api/upload-image';

/** What the upload endpoint answers: where the image now is on the server, for inspectImage. */
export const UploadedImage = z.object({
  path: AbsolutePath,
  name: z.string(),
  size: z.number().int().nonnegative(),
});
export type UploadedImage = z.infer<typeof UploadedImage>;

/** What GET on the upload endpoint answers: the largest file it takes, checked before sending. */
export const UploadLimits = z.object({ maxBytes: z.number().int().positive() });
export type UploadLimits = z.infer<typeof UploadLimits>;

/** Why a file is refused as too large (the server's words, and the page's before it sends). */
export function uploadTooLarge(bytes: number, maxBytes: number): string {
  return `The file (${bytes} bytes or more) is larger than the upload limit of ${maxBytes} bytes: copy it to the server and give its path instead`;
}
