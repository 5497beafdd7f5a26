import { type Command, Option } from 'commander';

// The leaf module, not the domain's front door: registering a command must stay cheap.
import { osFamilies, type OsFamily } from '../../provision/model';
import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';

export interface NodeFlags {
  cluster: string;
  node: string;
  passphraseFile?: string;
  json?: boolean;
}

export type PayloadFlags = NodeFlags & { os?: OsFamily; image?: string; out: string };
export type ApplyPayloadFlags = NodeFlags & { image: string };

export function registerPayloadCommands(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('payload')))
    .description("Write a node's boot payload to a folder for inspection (it holds secrets: 0700)")
    .requiredOption('-n, --node <hostname>', 'the node')
    .addOption(new Option('--os <family>', 'OS family').choices(osFamilies))
    .option('--image <file>', 'detect the OS family from this image instead')
    .requiredOption('-o, --out <dir>', 'folder to write the boot partition files into')
    .action(async (flags: PayloadFlags) =>
      (await import('./payload-action')).runPayload(io, flags),
    );

  withPassphraseOptions(withClusterOption(program.command('apply-payload')))
    .description("Put a node's boot payload onto an image file, without mounting, and read it back")
    .requiredOption('-n, --node <hostname>', 'the node')
    .requiredOption(
      '--image <file>',
      'a raw disk image file (cards are written with `kubeflash flash`)',
    )
    .option('--json', 'print the result as JSON')
    .action(async (flags: ApplyPayloadFlags) =>
      (await import('./payload-action')).runApplyPayload(io, flags),
    );
}
