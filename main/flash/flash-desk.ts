import { randomUUID } from 'node:crypto';

import type { Drive } from '../../common/drives';
import { serializeError } from '../../common/errors';
import type {
  CatalogImageView,
  FlashFinishedEvent,
  FlashJobView,
  FlashProgressEvent,
  FlashTarget,
  ImageCacheView,
  InspectedImage,
} from '../../common/flash';
import { detectOs } from '../provision';
import { targetRefusals } from './drive-constraints';
import { FlashJobRecords } from './flash-job-records';
import type { FlashService, FlashStepProgress } from './flash-service';
import { cacheInfo, type CatalogImage, clearCache, type LoadedCatalogs } from './image';
import { parseImageReference, resolveImage } from './image-reference';
import { clearUploads, imageUploadsDir, listUploads } from './image-uploads';

export interface FlashDeskEvents {
  imageProgress(event: {
    reference: string;
    step: 'download' | 'prepare';
    phase: string;
    bytes: number;
    total: number | null;
    bytesPerSecond: number;
    etaSeconds: number | null;
  }): void;
  flashProgress(event: FlashProgressEvent): void;
  flashFinished(event: FlashFinishedEvent): void;
}

export interface FlashDeskDeps {
  service: FlashService;
  /** The drives as the app shows them: loop devices only when `allowLoop()` says so. */
  listDrives: () => Promise<Drive[]>;
  catalogs: () => Promise<LoadedCatalogs>;
  cache: { dir: string; maxBytes: number };
  /** Loop devices as targets: the user's setting (or `serve --include-loop`). */
  allowLoop: () => boolean;
  events: FlashDeskEvents;
}

/**
 * The flash engine as the UI uses it (desktop and web alike): catalog, cache, image inspection,
 * targets, and flash jobs that run in the background and report through events.
 */
export class FlashDesk {
  readonly #jobs = new Map<string, AbortController>();
  readonly #records = new FlashJobRecords();
  /** Image checks under way, by the reference they check (cancelInspectImage stops them). */
  readonly #inspections = new Map<string, Set<AbortController>>();

  constructor(private readonly deps: FlashDeskDeps) {}

  async listCatalog(): Promise<{ images: CatalogImageView[]; problems: string[] }> {
    const { images, problems } = await this.deps.catalogs();
    return { images: images.map(toView), problems: problems.map((p) => p.message) };
  }

  async imageCache(): Promise<ImageCacheView> {
    const info = await cacheInfo(this.#cacheLocation());
    // Uploaded images (web mode) sit beside the cache and go when it is cleared: counted too.
    const uploads = await listUploads(imageUploadsDir(this.deps.cache.dir));
    return {
      dir: info.dir,
      maxBytes: info.maxBytes,
      totalBytes: info.totalBytes + uploads.reduce((sum, upload) => sum + upload.bytes, 0),
      entries: info.entries.map((e) => ({
        sourceSha256: e.sourceSha256,
        imageSha256: e.sha256,
        size: e.size,
        source: e.sourceName,
        inUse: e.inUse,
      })),
    };
  }

  async clearImageCache(): Promise<ImageCacheView> {
    await clearCache(this.#cacheLocation());
    await clearUploads(imageUploadsDir(this.deps.cache.dir));
    return this.imageCache();
  }

  async inspectImage(image: string): Promise<InspectedImage> {
    const controller = new AbortController();
    const running = this.#inspections.get(image) ?? new Set();
    this.#inspections.set(image, running.add(controller));
    try {
      return await this.#inspect(image, controller.signal);
    } finally {
      running.delete(controller);
      if (running.size === 0) this.#inspections.delete(image);
    }
  }

  /** The check fails as cancelled; what it had decompressed is not kept (prepareImage's rule). */
  cancelInspectImage(image: string): boolean {
    const running = this.#inspections.get(image);
    for (const controller of running ?? []) controller.abort();
    return running !== undefined;
  }

  async #inspect(image: string, signal: AbortSignal): Promise<InspectedImage> {
    const prepared = await resolveImage(parseImageReference(image), {
      cacheDir: this.deps.cache.dir,
      maxCacheBytes: this.deps.cache.maxBytes,
      catalog: async () => (await this.deps.catalogs()).images,
      signal,
      onProgress: (p) =>
        this.deps.events.imageProgress({
          reference: image,
          step: p.step,
          phase: p.phase,
          bytes: p.bytesRead,
          total: p.bytesTotal,
          bytesPerSecond: p.speed,
          etaSeconds: p.etaSeconds,
        }),
    });
    try {
      const detected = await detectOs(prepared.rawPath);
      return {
        reference: image,
        format: prepared.format,
        size: prepared.size,
        fileSha256: prepared.sourceSha256,
        imageSha256: prepared.format === 'raw' ? null : await prepared.sha256,
        fromCache: prepared.fromCache,
        family: detected.family,
        evidence: detected.evidence,
      };
    } finally {
      prepared.release();
    }
  }

  /** The drive holding the image is refused again at flash time, once its path is known. */
  async flashTargets(imageSize?: number): Promise<FlashTarget[]> {
    const allowLoop = this.deps.allowLoop();
    const drives = await this.deps.listDrives();
    return drives.map((drive) => ({
      drive,
      refusals: targetRefusals(drive, { imageSize, allowLoop }),
    }));
  }

  /** Starts a job and returns at once; its progress and outcome arrive as events. */
  flashNode(request: { path: string; hostname: string; device: string; image?: string }): {
    jobId: string;
  } {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.#jobs.set(jobId, controller);
    const who = { jobId, hostname: request.hostname, device: request.device };
    this.#records.started({ ...who, clusterPath: request.path });
    const finished = (event: FlashFinishedEvent) => {
      this.#records.finished(event);
      this.deps.events.flashFinished(event);
    };
    void this.deps.service
      .flashNode(
        {
          clusterPath: request.path,
          hostname: request.hostname,
          device: request.device,
          image: request.image,
          allowLoop: this.deps.allowLoop(),
        },
        (progress) => {
          const event = { ...who, ...flattenProgress(progress) };
          this.#records.progress(event);
          this.deps.events.flashProgress(event);
        },
        controller.signal,
      )
      .then(
        (outcome) =>
          finished({
            ...who,
            ok: true,
            family: outcome.family,
            bytesWritten: outcome.result.bytesWritten,
            ejected: outcome.result.ejected,
            error: null,
          }),
        (error: unknown) =>
          finished({
            ...who,
            ok: false,
            family: null,
            bytesWritten: null,
            ejected: null,
            error: serializeError(error),
          }),
      )
      .finally(() => this.#jobs.delete(jobId));
    return { jobId };
  }

  /** Running jobs and the latest finished ones, oldest first. */
  listFlashJobs(): FlashJobView[] {
    return this.#records.list();
  }

  cancelFlash(jobId: string): boolean {
    const job = this.#jobs.get(jobId);
    job?.abort();
    return job !== undefined;
  }

  #cacheLocation() {
    return { cacheDir: this.deps.cache.dir, maxCacheBytes: this.deps.cache.maxBytes };
  }
}

function flattenProgress(progress: FlashStepProgress) {
  if (progress.step === 'card') {
    const p = progress.progress;
    return {
      step: 'card' as const,
      phase: p.phase,
      bytes: p.bytes,
      total: p.total,
      bytesPerSecond: p.bytesPerSecond,
      etaSeconds: p.etaSeconds,
    };
  }
  const p = progress.progress;
  return {
    step: 'image' as const,
    phase: p.step === 'download' ? 'downloading' : p.phase,
    bytes: p.bytesRead,
    total: p.bytesTotal,
    bytesPerSecond: p.speed,
    etaSeconds: p.etaSeconds,
  };
}

function toView(image: CatalogImage): CatalogImageView {
  return {
    id: image.id,
    name: image.name,
    description: image.description,
    family: image.family,
    url: image.url,
    releaseDate: image.releaseDate,
    downloadSize: image.downloadSize,
    extractSize: image.extractSize,
    checksum: image.checksum,
  };
}
