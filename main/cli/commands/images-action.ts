import { formatBytes } from '../../../common/format-bytes';
import {
  cacheInfo,
  clearCache,
  defaultCacheDir,
  defaultMaxCacheBytes,
  loadCatalogs,
} from '../../flash';
import { formatTable } from '../format';
import type { CliIo } from '../io';
import type { ImagesFlags } from './images';

export async function runImages(io: CliIo, flags: ImagesFlags) {
  const location = { cacheDir: defaultCacheDir(), maxCacheBytes: defaultMaxCacheBytes };
  if (flags.clearCache) {
    const cleared = await clearCache(location);
    io.out(
      `Cleared the image cache (${location.cacheDir}): ${cleared.removedEntries} image(s), ${formatBytes(cleared.freedBytes)} freed.`,
    );
    return;
  }
  const catalogs = await loadCatalogs({ user: flags.catalog });
  const cache = await cacheInfo(location);
  if (flags.json)
    return io.out(
      JSON.stringify(
        { catalog: catalogs.images, problems: catalogs.problems.map((p) => p.message), cache },
        null,
        2,
      ),
    );
  io.out(
    formatTable(
      ['ID', 'NAME', 'FAMILY', 'DOWNLOAD', 'CHECKSUM'],
      catalogs.images.map((i) => [
        i.id,
        i.name,
        i.family ?? '?',
        formatBytes(i.downloadSize),
        i.checksum,
      ]),
    ),
  );
  for (const problem of catalogs.problems) io.err(`warning: ${problem.message}`);
  io.out(
    `\nImage cache ${cache.dir}: ${cache.entries.length} image(s), ${formatBytes(cache.totalBytes)} of ${formatBytes(cache.maxBytes)}`,
  );
}
