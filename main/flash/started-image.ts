import type { GrowingImage, PreparedImage } from './image';
import {
  type ImageReference,
  type ImageStepProgress,
  parseImageReference,
  resolveImage,
  type ResolveImageOptions,
} from './image-reference';

/**
 * An image preparation started before the flash that uses it: the CLI starts one as `flash`
 * begins, so a first card's decompression runs while the CLI loads the rest and unlocks the
 * secrets. Progress is kept until the flash follows it; cancelling stops the preparation.
 */
export class StartedImage {
  readonly #stop = new AbortController();
  readonly #prepared: Promise<PreparedImage>;
  #listener: ((progress: ImageStepProgress) => void) | null = null;
  #latest: ImageStepProgress | null = null;
  #onGrowing: ((image: GrowingImage) => void) | null = null;
  #growing: GrowingImage | null = null;

  /** `text`: the image as the command named it (a path or a catalog id). */
  constructor(
    readonly text: string,
    options: Omit<ResolveImageOptions, 'onProgress' | 'onGrowing' | 'signal'>,
    reference: ImageReference = parseImageReference(text),
  ) {
    this.#prepared = resolveImage(reference, {
      ...options,
      signal: this.#stop.signal,
      onProgress: (progress) => {
        this.#latest = progress;
        this.#listener?.(progress);
      },
      onGrowing: (image) => {
        this.#growing = image;
        this.#onGrowing?.(image);
      },
    });
    this.#prepared.catch(() => {}); // observed by whoever follows it; never unhandled
  }

  /**
   * The prepared image, with progress from now on (the latest report first) going to
   * `onProgress`, and the image while it grows to `onGrowing` (at once if it grows already);
   * `signal` cancels the preparation.
   */
  follow(
    onProgress: (progress: ImageStepProgress) => void,
    signal: AbortSignal,
    onGrowing?: (image: GrowingImage) => void,
  ): Promise<PreparedImage> {
    this.#listener = onProgress;
    this.#onGrowing = onGrowing ?? null;
    if (this.#latest) onProgress(this.#latest);
    if (this.#growing) onGrowing?.(this.#growing);
    if (signal.aborted) this.cancel();
    else signal.addEventListener('abort', () => this.cancel(), { once: true });
    return this.#prepared;
  }

  /** Resolves, without following it, to the preparation's error, or null once it succeeded. */
  failure(): Promise<unknown> {
    return this.#prepared.then(
      () => null,
      (error: unknown) => error,
    );
  }

  /** Stops the preparation if it still runs, and lets the cache evict the image if it was done. */
  cancel(): void {
    this.#stop.abort();
    this.#prepared.then((image) => image.release()).catch(() => {});
  }
}
