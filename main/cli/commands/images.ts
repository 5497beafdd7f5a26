import type { Command } from 'commander';

import type { CliIo } from '../io';

export interface ImagesFlags {
  catalog?: string[];
  clearCache?: boolean;
  json?: boolean;
}

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
    .action(async (flags: ImagesFlags) => (await import('./images-action')).runImages(io, flags));
}
