import { defaultCacheDir, defaultMaxCacheBytes } from '../flash/cache-location';
import { parseImageReference } from '../flash/image-reference';
import { StartedImage } from '../flash/started-image';

/**
 * Starts preparing an image file named on the command line as `flash` begins: a first card's
 * decompression (seconds) then runs while the CLI loads the flash engine and unlocks the
 * secrets. Null for a catalog id: its download takes far longer than the start-up it would hide.
 */
export function startImageEarly(text: string | undefined, cacheDir = defaultCacheDir()) {
  if (!text) return null;
  const reference = parseImageReference(text);
  if (reference.kind !== 'file') return null;
  return new StartedImage(
    text,
    { cacheDir, maxCacheBytes: defaultMaxCacheBytes, catalog: async () => [] },
    reference,
  );
}
