import { resolve } from 'node:path';

import type { Command } from 'commander';

import { writeFileAtomic } from '../../storage';
import { clusterPath, withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';

export function registerSshKeyCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('ssh-key')))
    .description("The app's SSH key for the nodes: print the public key, or export the pair")
    .option(
      '-o, --out <file>',
      'write the private key (0600) here and the public key to <file>.pub',
    )
    .action(async (flags: { cluster: string; out?: string; passphraseFile?: string }) => {
      const path = clusterPath(flags);
      const user = (await unlockedWorkspace(path, flags)).secrets(path).ssh?.user;
      if (!user) throw new Error(`${path} has no SSH key in its secrets`);
      if (!flags.out) return io.out(user.publicKey);
      const out = resolve(flags.out);
      await writeFileAtomic(out, user.privateKey, { mode: 0o600 });
      await writeFileAtomic(`${out}.pub`, `${user.publicKey}\n`, { mode: 0o644 });
      io.out(`Wrote ${out} and ${out}.pub: ssh -i ${out} <user>@<node>`);
    });
}
