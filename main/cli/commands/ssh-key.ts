import type { Command } from 'commander';

import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';

export interface SshKeyFlags {
  cluster: string;
  out?: string;
  passphraseFile?: string;
}

export function registerSshKeyCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('ssh-key')))
    .description("The app's SSH key for the nodes: print the public key, or export the pair")
    .option(
      '-o, --out <file>',
      'write the private key (0600) here and the public key to <file>.pub',
    )
    .action(async (flags: SshKeyFlags) => (await import('./ssh-key-action')).runSshKey(io, flags));
}
