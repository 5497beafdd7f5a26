import type { Command } from 'commander';

import { withClusterOption } from '../cluster-option';
import type { CliIo } from '../io';

export function registerValidateCommand(program: Command, io: CliIo) {
  withClusterOption(program.command('validate'))
    .description('Check the cluster plan: errors block flashing, warnings do not')
    .option('--json', 'print the issues as JSON')
    .action(async (flags: { cluster: string; json?: boolean }) =>
      (await import('./validate-action')).runValidate(io, flags),
    );
}
