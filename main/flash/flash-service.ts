import { type Cluster, type ClusterNode, hasErrors, validateCluster } from '../../common/cluster';
import type { Drive } from '../../common/drives';
import { KubeflashError, serializeError } from '../../common/errors';
import { type ClusterWorkspace, loadPlan } from '../cluster';
import { type BootPayload, buildNodePayload, profileTarget } from '../provision';
import { cardResultOnceInputsHold } from './card-result';
import { type CardSource, growingSource, linkGrowing, preparedSource } from './card-source';
import { sourceDevice, targetRefusals } from './drive-constraints';
import type { CatalogImage, GrowingImage, PreparedImage } from './image';
import { type ImageStepProgress, parseImageReference, resolveImage } from './image-reference';
import { type MintToken, secretsForCard } from './rebuild-secrets';
import { StartedImage } from './started-image';
import type { WriterConnection } from './writer/host';
import type {
  BootPayloadMessage,
  CardIdentity,
  FlashProgress,
  FlashRequest,
  FlashResult,
} from './writer/protocol';

export type FlashStepProgress =
  { step: 'image'; progress: ImageStepProgress } | { step: 'card'; progress: FlashProgress };

export interface FlashServiceDeps {
  workspace: ClusterWorkspace;
  /** The running writer, started (with elevation) on first use. */
  writer: () => Promise<WriterConnection>;
  listDrives: (options: { includeLoop: boolean }) => Promise<Drive[]>;
  catalog: () => Promise<CatalogImage[]>;
  cache: { dir: string; maxBytes: number };
  now?: () => Date;
  /** Mints a kubeadm join token through the API for a rebuild (tests inject one). */
  mintToken?: MintToken;
}

export interface FlashNodeRequest {
  clusterPath: string;
  hostname: string;
  device: string;
  /** Overrides the node's image and the plan's default (a path or a catalog id). */
  image?: string;
  /** Identity taken when the card was selected; taken now when absent. */
  card?: CardIdentity;
  allowLoop?: boolean;
  allowSystemDevice?: string;
  /**
   * The secrets' unlock under way (the CLI derives its key while the image is prepared): awaited
   * before the payload is made, and its failure stops the preparation. Absent: the secrets must
   * be unlocked already.
   */
  secretsUnlocking?: Promise<unknown>;
  /** A preparation of this flash's image already under way (the CLI starts one early). */
  imageStarted?: StartedImage;
}

export interface FlashOutcome {
  hostname: string;
  device: string;
  family: string;
  result: FlashResult;
}

/**
 * Flash one node's card: the plan must be valid and its secrets unlocked; the image is prepared
 * once (cache); the drive must pass the target rules; the payload is made for the OS that is
 * really in the image; the elevated writer writes, verifies, configures and reads back; the
 * state file records the outcome either way.
 */
export class FlashService {
  constructor(private readonly deps: FlashServiceDeps) {}

  /** A card's identity as the writer reads it: call when the user selects the card. */
  async selectCard(device: string): Promise<CardIdentity> {
    return (await this.deps.writer()).identify(device);
  }

  async flashNode(
    request: FlashNodeRequest,
    onProgress: (progress: FlashStepProgress) => void = () => {},
    signal?: AbortSignal,
  ): Promise<FlashOutcome> {
    const { clusterPath, hostname } = request;
    const { cluster, node } = await planAndNode(clusterPath, hostname);
    const issues = validateCluster(cluster);
    if (hasErrors(issues)) {
      const first = issues.find((i) => i.severity === 'error')!;
      throw new KubeflashError(
        'invalid-request',
        `The plan has errors; fix them before flashing (${first.path}: ${first.message})`,
        first.path,
      );
    }
    // Locked secrets with no unlock under way: fail before any download.
    if (!request.secretsUnlocking) this.deps.workspace.secrets(clusterPath);
    const imageText = imageFor(cluster, node, request.image);
    // The writer starts (loads its modules, asks for elevation) while the image is prepared;
    // meanwhile the card is looked at and the secrets' unlock ends: a missing or refused card or
    // a wrong passphrase fails at once, not after a long download or decompression (it stops).
    const writerReady = this.deps.writer();
    writerReady.catch(() => {}); // awaited below; not unhandled if the image step fails first
    const drives = this.deps.listDrives({ includeLoop: true });
    const stopImage = new AbortController();
    const refusal = failureOf(
      drives.then((listed) => this.#checkTarget(request, listed)),
      stopImage,
    );
    const locked = failureOf(request.secretsUnlocking ?? Promise.resolve(), stopImage);
    let unlockEnded = false;
    void locked.then(() => (unlockEnded = true));
    // A refused card or a failed unlock stops the image step: its failure then is the cause's.
    const causeOf = async (error: unknown) => (await refusal) ?? (await locked) ?? error;
    const progress = oneProgressStream(onProgress);
    const source = await this.#cardSource(
      imageText,
      request.imageStarted,
      progress.image,
      signal ? AbortSignal.any([signal, stopImage.signal]) : stopImage.signal,
    ).catch(async (error: unknown) => {
      throw await causeOf(error);
    });
    try {
      const refused = await refusal;
      if (refused) throw refused;
      // Again with what is known now: the image's size and the drive it is on.
      this.#checkTarget(request, await drives, { rawPath: source.path, size: source.size });
      // The OS is detected in the image while the writer starts (it is what a card waits for).
      const profiled = source.detect(profileTarget);
      profiled.catch(() => {}); // awaited below; not unhandled if the writer fails first
      const writer = await writerReady;
      const card = request.card ?? (await writer.identify(request.device));
      const flashedAt = this.deps.now?.() ?? new Date();
      const profile = await profiled.catch(async (error: unknown) => {
        throw await causeOf(error);
      });
      const payload = this.#payloadOnceUnlocked(locked, clusterPath, {
        cluster,
        node,
        flashedAt,
        family: profile.detected.family,
        options: profile.options,
      });
      payload.catch(() => {}); // awaited below, or by the card's result
      // A card from an image that was ready (the next card) need not wait for the secrets the
      // CLI is still unlocking (it derives its key as the card starts): the writer starts on
      // everything but the boot area, and the payload follows. Not after a decompression or
      // a hash: the unlock has mostly ended by then, and a second pass only adds to the time
      // after it (bench: first card).
      const follows = request.secretsUnlocking !== undefined && !unlockEnded && source.fromCache;
      const inline = follows ? null : await payload;
      const job = writer.flash(
        {
          ...toFlashRequest(source.path, card, inline),
          ...(source.growing ? { imageGrowing: { size: source.size } } : {}),
        },
        (cardProgress) => progress.card(cardProgress, source.growing),
      );
      signal?.addEventListener('abort', () => writer.cancel(job.jobId), { once: true });
      // The writer learns how far a growing image is as it grows.
      const stopForwarding = source.growing?.extent.subscribe((bytes, complete) =>
        writer.imageExtent(job.jobId, bytes, complete),
      );
      const delivered = follows
        ? payload.then((made) => writer.payload(job.jobId, payloadMessage(made)))
        : null;
      let result: FlashResult;
      try {
        result = await cardResultOnceInputsHold(
          job,
          Promise.all([source.checked, delivered]),
          (id) => writer.cancel(id),
        );
      } catch (error) {
        await this.deps.workspace.recordFlash(clusterPath, hostname, {
          ok: false,
          reason: serializeError(error).message,
        });
        throw error;
      } finally {
        stopForwarding?.();
      }
      await this.deps.workspace.recordFlash(clusterPath, hostname, { ok: true, card });
      return { hostname, device: request.device, family: profile.detected.family, result };
    } finally {
      await source.release();
    }
  }

  /** The node's payload, once the unlock under way ended (its failure is the error). */
  async #payloadOnceUnlocked(
    locked: Promise<unknown>,
    clusterPath: string,
    request: Omit<Parameters<typeof buildNodePayload>[0], 'secrets'>,
  ): Promise<BootPayload> {
    const unlockFailure = await locked;
    if (unlockFailure) throw unlockFailure;
    const secrets = await secretsForCard(
      this.deps.workspace,
      clusterPath,
      request.cluster,
      request.node.hostname,
      this.deps.mintToken,
    );
    return buildNodePayload({ ...request, secrets });
  }

  /**
   * Starts preparing the image a node will be flashed with (the choice flashNode makes: `image`,
   * else the node's, else the plan's default), for a flash that follows it (`imageStarted`):
   * `flash-next` prepares each node's image while its card is being inserted. `reuse`, a
   * preparation already under way, is returned when it is of that image, else cancelled.
   */
  async startImage(
    clusterPath: string,
    hostname: string,
    { image, reuse }: { image?: string; reuse?: StartedImage | null } = {},
  ): Promise<StartedImage> {
    const { cluster, node } = await planAndNode(clusterPath, hostname);
    const imageText = imageFor(cluster, node, image);
    if (reuse?.text === imageText) return reuse;
    reuse?.cancel();
    return new StartedImage(imageText, this.#imageOptions());
  }

  /**
   * What the card is written from: the prepared image, or — when a system tool decompresses an
   * .xz for this flash — the image while it grows (one pass from archive to card), through a
   * link of its own in the cache's tmp folder, so the cache may rename the finished image.
   */
  async #cardSource(
    imageText: string,
    started: StartedImage | undefined,
    onProgress: (progress: ImageStepProgress) => void,
    signal: AbortSignal,
  ): Promise<CardSource> {
    let announce: (image: GrowingImage) => void = () => {};
    const grows = new Promise<GrowingImage>((resolve) => (announce = resolve));
    const preparing = this.#prepareImage(imageText, started, onProgress, signal, (image) =>
      announce(image),
    );
    preparing.catch(() => {}); // raced here, awaited by `checked` or below
    const first = await Promise.race([
      preparing.then((image) => ({ image, growing: null })),
      grows.then((growing) => ({ image: null, growing })),
    ]);
    if (first.growing) {
      const linked = await linkGrowing(first.growing);
      if (linked) return growingSource(first.growing, linked, preparing, signal);
    }
    return preparedSource(first.image ?? (await preparing));
  }

  /** The image: the preparation started early for it (followed), else a new one. */
  #prepareImage(
    imageText: string,
    started: StartedImage | undefined,
    onProgress: (progress: ImageStepProgress) => void,
    signal: AbortSignal,
    onGrowing?: (image: GrowingImage) => void,
  ): Promise<PreparedImage> {
    if (started?.text === imageText) return started.follow(onProgress, signal, onGrowing);
    started?.cancel(); // started for another image
    return resolveImage(parseImageReference(imageText), {
      ...this.#imageOptions(),
      signal,
      onProgress,
      onGrowing,
    });
  }

  #imageOptions() {
    return {
      cacheDir: this.deps.cache.dir,
      maxCacheBytes: this.deps.cache.maxBytes,
      catalog: this.deps.catalog,
    };
  }

  /** Throws when the target is not a drive here or is refused (with the image, when known). */
  #checkTarget(
    request: FlashNodeRequest,
    drives: readonly Drive[],
    image?: { rawPath: string; size: number },
  ): void {
    const drive = drives.find((d) => d.device === request.device);
    if (!drive) {
      throw new KubeflashError(
        'not-found',
        `${request.device} is not a drive here (list them with kubeflash drives)`,
        request.device,
      );
    }
    const refusals = targetRefusals(drive, {
      imageSize: image?.size,
      sourceDevice: image ? sourceDevice(drives, image.rawPath) : null,
      allowLoop: request.allowLoop ?? false,
      allowSystemDevice: request.allowSystemDevice,
    });
    if (refusals.length > 0) {
      throw new KubeflashError(
        'invalid-request',
        refusals.map((r) => r.message).join('; '),
        request.device,
      );
    }
  }
}

/**
 * A card written while its image is still decompressed reports both at once; every listener
 * (terminal line, window, JSON lines) gets one stream: the image's progress until the card is
 * being written (its checks and configuring wait for the image meanwhile), then the card's.
 */
function oneProgressStream(onProgress: (progress: FlashStepProgress) => void) {
  let cardWriting = false;
  return {
    image: (progress: ImageStepProgress) => {
      if (!cardWriting) onProgress({ step: 'image', progress });
    },
    card: (progress: FlashProgress, growing: GrowingImage | null) => {
      const waiting = progress.phase === 'checking' || progress.phase === 'configuring';
      if (waiting && growing && !growing.extent.complete) return;
      if (!waiting) cardWriting = true;
      onProgress({ step: 'card', progress });
    },
  };
}

/** The error `check` fails with (having aborted `stop`, so the image step ends early), or null. */
function failureOf(check: Promise<unknown>, stop: AbortController): Promise<unknown> {
  return check.then(
    () => null,
    (error: unknown) => {
      stop.abort();
      return error;
    },
  );
}

/**
 * The request the app sends to the writer; a null payload follows in a `payload` message
 * (WriterConnection.payload).
 */
export function toFlashRequest(
  imagePath: string,
  card: CardIdentity,
  payload: BootPayload | null,
  verify = true,
): FlashRequest {
  return { imagePath, card, payload: payload && payloadMessage(payload), verify };
}

/** A boot payload as it crosses the socket (file contents base64-encoded). */
export function payloadMessage(payload: BootPayload): BootPayloadMessage {
  return {
    family: payload.family,
    files: payload.files.map((f) => ({
      path: f.path,
      contentBase64: Buffer.from(f.content).toString('base64'),
    })),
    edits: payload.edits.map((e) => ({ path: e.path, ensure: e.ensure, remove: e.remove })),
  };
}

async function planAndNode(
  clusterPath: string,
  hostname: string,
): Promise<{ cluster: Cluster; node: ClusterNode }> {
  const cluster = await loadPlan(clusterPath);
  const node = cluster.spec.nodes.find((n) => n.hostname === hostname);
  if (!node) {
    throw new KubeflashError('not-found', `No node named ${hostname} in ${clusterPath}`, hostname);
  }
  return { cluster, node };
}

/** The image a node is flashed with: the request's, else the node's, else the plan's default. */
function imageFor(cluster: Cluster, node: ClusterNode, requested: string | undefined): string {
  const imageText = requested ?? node.image ?? cluster.spec.image.default;
  if (!imageText) {
    throw new KubeflashError(
      'invalid-request',
      `No image for ${node.hostname}: set the cluster's default image, the node's image, or pass one`,
      'image',
    );
  }
  return imageText;
}
