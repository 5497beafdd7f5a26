import { resolve } from 'node:path';

import type { Command } from 'commander';

import { KubeflashError } from '../../../common/errors';
import { clusterPath, withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';

interface Flags {
  cluster: string;
  out?: string;
  merge?: boolean | string;
  context?: string;
  passphraseFile?: string;
}

export function registerKubeconfigCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('kubeconfig')))
    .description(
      'The admin kubeconfig (exists before first boot): print, save, or merge into ~/.kube/config',
    )
    .option('-o, --out <file>', 'write it to this file (0600)')
    .option(
      '--merge [kubeconfig]',
      'merge into this kubeconfig (default: first of $KUBECONFIG, else ~/.kube/config)',
    )
    .option(
      '--context <name>',
      'context name (default: the cluster name); a same-named one is replaced',
    )
    .action(async (flags: Flags) => {
      if (flags.out && flags.merge)
        throw new KubeflashError('invalid-request', 'Use either --out or --merge');
      const path = clusterPath(flags);
      const workspace = await unlockedWorkspace(path, flags);
      if (!flags.out && !flags.merge) {
        io.out((await workspace.kubeconfig(path, flags.context)).text.trimEnd());
        return;
      }
      const written = await workspace.writeKubeconfig(
        path,
        flags.out
          ? { kind: 'file', file: resolve(flags.out) }
          : {
              kind: 'merge',
              kubeconfigPath: typeof flags.merge === 'string' ? resolve(flags.merge) : undefined,
            },
        flags.context,
      );
      io.out(
        `${flags.out ? 'Wrote' : 'Merged context ' + written.contextName + ' into'} ${written.path}` +
          (written.backupPath ? ` (previous version: ${written.backupPath})` : ''),
      );
    });
}
