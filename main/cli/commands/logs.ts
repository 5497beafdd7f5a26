import type { Command } from 'commander';

import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';

export interface LogsFlags {
  follow?: boolean;
}

export type LogsCommandFlags = LogsFlags & { cluster: string; passphraseFile?: string };

export function registerLogsCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('logs')))
    .description("A node's bootstrap log (kubeflash-bootstrap), read over SSH")
    .argument('<node>', 'the node (hostname)')
    .option('-f, --follow', 'keep following new lines until Ctrl-C')
    .action(async (node: string, flags: LogsCommandFlags) =>
      (await import('./logs-action')).runLogsCommand(io, node, flags),
    );
}
