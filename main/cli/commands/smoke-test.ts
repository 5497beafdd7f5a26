import type { Command } from 'commander';

import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import { parseSeconds } from './status';

export interface SmokeTestFlags {
  json?: boolean;
  timeout: number;
}

export type SmokeTestCommandFlags = SmokeTestFlags & { cluster: string; passphraseFile?: string };

export function registerSmokeTestCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('smoke-test')))
    .description(
      'Run a DaemonSet with a multi-arch image on every schedulable node, report per node, delete it (exit 1 when it fails)',
    )
    .option('--json', 'print the result as one JSON object')
    .option('--timeout <seconds>', 'give up after this many seconds', parseSeconds, 300)
    .action(async (flags: SmokeTestCommandFlags) =>
      (await import('./smoke-test-action')).runSmokeTestCommand(io, flags),
    );
}
