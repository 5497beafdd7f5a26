import { KubeflashError, serializeError } from '../../../common/errors';
import { ImageExtent } from './image-extent';

/**
 * An image still being decompressed into the cache, announced so that a card can be written
 * while it grows (one pass from archive to card). Read it only as far as `extent` says.
 */
export interface GrowingImage {
  /** The temporary file it is written into; renamed into the cache once complete and checked. */
  path: string;
  /** Its final size (from the archive's index). */
  size: number;
  /** How far it is; abandoned with the reason when the decompression fails or is cancelled. */
  extent: ImageExtent;
}

/**
 * Announces a decompression as a GrowingImage once all of these hold: its image will be kept
 * (`confirm`: a first-seen archive may turn out to be cached already), its final size is known,
 * and its head passed the disk-image check (the first growth). Never announces otherwise.
 */
export class GrowthAnnouncement {
  #path: string | null = null;
  #extent: ImageExtent | null = null;
  #confirmed: boolean;
  #announced = false;

  constructor(
    private readonly announce: (image: GrowingImage) => void,
    { confirmed }: { confirmed: boolean },
  ) {
    this.#confirmed = confirmed;
  }

  /** The decompression began, into this temporary file. */
  began(path: string): void {
    this.#path = path;
  }

  /** The image's final size, known before it is decompressed. */
  knownSize(size: number): void {
    this.#extent ??= new ImageExtent(size);
  }

  grew(bytes: number): void {
    this.#extent?.grow(bytes, false);
    this.#maybeAnnounce();
  }

  confirm(): void {
    this.#confirmed = true;
    this.#maybeAnnounce();
  }

  /** The image is complete (and its archive unchanged): every byte may be read. */
  completed(size: number): void {
    this.#extent?.grow(size, true);
  }

  failed(error: unknown): void {
    this.#extent?.abandon(
      error instanceof KubeflashError
        ? error
        : new KubeflashError('internal', serializeError(error).message),
    );
  }

  #maybeAnnounce(): void {
    const extent = this.#extent;
    if (this.#announced || !this.#confirmed || !extent || !this.#path) return;
    // Not before its head is checked; not once complete (the cached image follows at once).
    if (extent.available === 0 || extent.complete) return;
    this.#announced = true;
    this.announce({ path: this.#path, size: extent.size, extent });
  }
}
