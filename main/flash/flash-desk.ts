import { randomUUID } from 'node:crypto';

import type { Drive } from '../../common/drives';
import { serializeError } from '../../common/errors';
import type {
  CatalogImageView,
  FlashFinishedEvent,
  FlashProgressEvent,
  FlashTarget,
  ImageCacheView,
  InspectedImage,
} from '../../common/flash';
import { detectOs } from '../provision';
import { targetRefusals } from './drive-constraints';
import type { FlashService, FlashStepProgress } from './flash-service';
import { cacheInfo, type CatalogImage, clearCache, type LoadedCatalogs } from './image';
import { parseImageReference, resolveImage } from './image-reference';

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
  listDrives: (options: { includeLoop: boolean }) => Promise<Drive[]>;
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

  constructor(private readonly deps: FlashDeskDeps) {}

  async listCatalog(): Promise<{ images: CatalogImageView[]; problems: string[] }> {
    const { images, problems } = await this.deps.catalogs();
    return { images: images.map(toView), problems: problems.map((p) => p.message) };
  }

  async imageCache(): Promise<ImageCacheView> {
    const info = await cacheInfo(this.#cacheLocation());
    return {
      dir: info.dir,
      maxBytes: info.maxBytes,
      totalBytes: info.totalBytes,
      entries: info.entries.map((e) => ({
        sha256: e.sha256,
        size: e.size,
        source: e.sourceName,
        inUse: e.inUse,
      })),
    };
  }

  async clearImageCache(): Promise<ImageCacheView> {
    await clearCache(this.#cacheLocation());
    return this.imageCache();
  }

  async inspectImage(image: string): Promise<InspectedImage> {
    const prepared = await resolveImage(parseImageReference(image), {
      cacheDir: this.deps.cache.dir,
      maxCacheBytes: this.deps.cache.maxBytes,
      catalog: async () => (await this.deps.catalogs()).images,
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
        sha256: prepared.sha256,
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
    const drives = await this.deps.listDrives({ includeLoop: allowLoop });
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
    void this.deps.service
      .flashNode(
        {
          clusterPath: request.path,
          hostname: request.hostname,
          device: request.device,
          image: request.image,
          allowLoop: this.deps.allowLoop(),
        },
        (progress) => this.deps.events.flashProgress({ ...who, ...flattenProgress(progress) }),
        controller.signal,
      )
      .then(
        (outcome) =>
          this.deps.events.flashFinished({
            ...who,
            ok: true,
            family: outcome.family,
            bytesWritten: outcome.result.bytesWritten,
            ejected: outcome.result.ejected,
            error: null,
          }),
        (error: unknown) =>
          this.deps.events.flashFinished({
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
