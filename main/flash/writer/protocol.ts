import { z } from 'zod';

import { SerializedError } from '../../../common/errors';

/**
 * Messages between the app and the elevated writer process, one JSON object per line over a
 * Unix socket (named pipe on Windows) in a private folder. The app listens; the writer connects
 * and proves itself with the one-time secret the app left for it in that folder.
 */
export const writerProtocolVersion = 2;

const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** A card as it was when the user selected it; re-checked just before writing. */
export const CardIdentity = z
  .object({
    device: z.string().min(1).max(4096),
    size: z.number().int().positive(),
    serial: z.string().max(256).nullable(),
    firstMiBSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type CardIdentity = z.infer<typeof CardIdentity>;

export const BootFileMessage = z
  .object({ path: z.string().min(1).max(255), contentBase64: z.string() })
  .strict();

/** A node's boot payload as it crosses the socket (file contents in base64). */
export const BootPayloadMessage = z
  .object({
    family: z.string(),
    files: z.array(BootFileMessage).max(200),
    edits: z.array(
      z
        .object({
          path: z.literal('cmdline.txt'),
          ensure: z.array(z.string()),
          remove: z.array(z.string()),
        })
        .strict(),
    ),
  })
  .strict();
export type BootPayloadMessage = z.infer<typeof BootPayloadMessage>;

export const FlashRequest = z
  .object({
    /** The decompressed image in the app's cache. */
    imagePath: z.string().min(1).max(4096),
    /**
     * Set while the app is still decompressing the image into imagePath (one pass from archive
     * to card): its final size. The writer reads a range only once an `image-extent` message
     * says the image reaches past it.
     */
    imageGrowing: z
      .object({ size: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) })
      .strict()
      .optional(),
    card: CardIdentity,
    /**
     * Null: the payload follows in a `payload` message (the app is still unlocking the secrets
     * it is made from). The writer then writes everything but the boot partition and the
     * partition table first, and those once the payload is there (see execute-flash.ts).
     */
    payload: BootPayloadMessage.nullable(),
    verify: z.boolean().default(true),
  })
  .strict();
export type FlashRequest = z.infer<typeof FlashRequest>;

export const FlashPhase = z.enum([
  'checking',
  'writing',
  'verifying',
  'configuring',
  'reading-back',
  'ejecting',
]);
export type FlashPhase = z.infer<typeof FlashPhase>;

export const FlashProgress = z
  .object({
    phase: FlashPhase,
    bytes: z.number().nonnegative(),
    total: z.number().nonnegative(),
    bytesPerSecond: z.number().nonnegative(),
    etaSeconds: z.number().nonnegative().nullable(),
  })
  .strict();
export type FlashProgress = z.infer<typeof FlashProgress>;

export const FlashResult = z
  .object({
    bytesWritten: z.number().nonnegative(),
    verified: z.boolean(),
    bootFilesVerified: z.number().int().nonnegative(),
    ejected: z.boolean(),
  })
  .strict();
export type FlashResult = z.infer<typeof FlashResult>;

export const AppMessage = z.discriminatedUnion('type', [
  /** Read a card's identity (size, serial, first MiB): only the elevated writer may read it. */
  z
    .object({ type: z.literal('identify'), jobId: JobId, device: z.string().min(1).max(4096) })
    .strict(),
  z.object({ type: z.literal('flash'), jobId: JobId, request: FlashRequest }).strict(),
  z.object({ type: z.literal('cancel'), jobId: JobId }).strict(),
  /** A growing image (FlashRequest.imageGrowing) now holds `bytes` from its start. */
  z
    .object({
      type: z.literal('image-extent'),
      jobId: JobId,
      bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      complete: z.boolean(),
    })
    .strict(),
  /** The payload of a job whose request had none (FlashRequest.payload null). */
  z.object({ type: z.literal('payload'), jobId: JobId, payload: BootPayloadMessage }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
  z.object({ type: z.literal('shutdown') }).strict(),
]);
export type AppMessage = z.infer<typeof AppMessage>;

export const WriterMessage = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hello'),
      secret: z.string().min(32).max(256),
      version: z.number().int(),
      pid: z.number().int(),
    })
    .strict(),
  z.object({ type: z.literal('progress'), jobId: JobId, progress: FlashProgress }).strict(),
  z.object({ type: z.literal('done'), jobId: JobId, result: FlashResult }).strict(),
  z.object({ type: z.literal('identified'), jobId: JobId, identity: CardIdentity }).strict(),
  z.object({ type: z.literal('failed'), jobId: JobId, error: SerializedError }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type WriterMessage = z.infer<typeof WriterMessage>;
