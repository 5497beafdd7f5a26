import type { Command } from 'commander';

import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';

export interface KubeconfigFlags {
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
    .action(async (flags: KubeconfigFlags) =>
      (await import('./kubeconfig-action')).runKubeconfig(io, flags),
    );
}
