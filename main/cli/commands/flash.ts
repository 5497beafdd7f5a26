import type { Command } from 'commander';

import { clusterPath, withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import type { EarlyStarts } from './flash-action';

export interface CommonFlags {
  cluster: string;
  image?: string;
  json?: boolean;
  includeLoop?: boolean;
  passphraseFile?: string;
}

export interface FlashFlags extends CommonFlags {
  node: string;
  device: string;
  yes?: boolean;
  allowSystemDrive?: string;
}

export interface FlashNextFlags extends CommonFlags {
  pollMs: number;
}

function withFlashOptions(command: Command): Command {
  return withPassphraseOptions(withClusterOption(command))
    .option(
      '--image <file|id>',
      "image file or catalog id (default: the node's, else the plan's default)",
    )
    .option('--include-loop', 'allow loop devices as targets (tests, image work)')
    .option('--json', 'print JSON lines (progress and result) for scripts');
}

export function registerFlashCommands(program: Command, io: CliIo) {
  withFlashOptions(program.command('flash'))
    .description("Write one node's card: image, verify, boot payload, read back, eject")
    .requiredOption('-n, --node <hostname>', 'the node')
    .requiredOption('-d, --device <device>', 'the card, e.g. /dev/sdb (see kubeflash drives)')
    .option('--yes', 'do not ask before erasing the card')
    .option('--allow-system-drive <device>', 'allow this one system drive as a target (dangerous)')
    .action(async (flags: FlashFlags) => {
      const early = await startEarly(flags);
      return (await import('./flash-action')).runFlash(io, flags, early);
    });

  withFlashOptions(program.command('flash-next'))
    .description(
      'Flash every unflashed node in turn: insert a card, it is written, remove it, insert the next',
    )
    .option('--poll-ms <ms>', 'how often to look for a new card', (v) => Number(v), 1000)
    .action(async (flags: FlashNextFlags) => {
      const early = await startEarly(flags);
      return (await import('./flash-action')).runFlashNext(io, flags, early);
    });
}

/**
 * What a flash command starts before it loads the flash engine (about 0.5 s): the secrets'
 * decryption and the writer, each when no prompt is needed for it, and the preparation of an
 * image file it names (flash-next: while the first card is being inserted).
 */
async function startEarly(flags: CommonFlags): Promise<EarlyStarts> {
  const { startDecryptionEarly } = await import('../early-unlock');
  const decryption = startDecryptionEarly(clusterPath(flags), flags);
  const image = flags.image ? (await import('../early-image')).startImageEarly(flags.image) : null;
  const { startWriterEarly } = await import('../early-writer');
  return { decryption, image, writer: startWriterEarly() };
}
