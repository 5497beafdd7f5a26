import type { Command } from 'commander';

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

export function registerImagesCommand(program: Command, io: CliIo) {
  program
    .command('images')
    .description('The OS catalog and the image cache')
    .option(
      '--catalog <file|url...>',
      'extra catalog files or URLs (Raspberry Pi Imager os_list format)',
    )
    .option('--clear-cache', 'delete every cached image and download')
    .option('--json', 'print JSON')
    .action(async (flags: { catalog?: string[]; clearCache?: boolean; json?: boolean }) => {
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
    });
}
