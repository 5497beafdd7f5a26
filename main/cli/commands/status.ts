import { type Command, InvalidArgumentError } from 'commander';

import { withClusterOption, withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';

export interface StatusFlags {
  watch?: boolean;
  json?: boolean;
  /** Without --watch: at most this long for the first probe of every node and the API. */
  wait: number;
  /** With --watch: stop after this long (else Ctrl-C). */
  timeout?: number;
}

export type StatusCommandFlags = StatusFlags & { cluster: string; passphraseFile?: string };

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1 || seconds > 86_400) {
    throw new InvalidArgumentError('seconds: a whole number from 1 to 86400');
  }
  return seconds;
}

export function registerStatusCommand(program: Command, io: CliIo) {
  withPassphraseOptions(withClusterOption(program.command('status')))
    .description(
      'Each node on its way to Ready (reachable, SSH, bootstrap phase, joined, Ready) and the timeline headline',
    )
    .option('--watch', 'print again on every change until Ctrl-C (or --timeout)')
    .option('--json', 'print the view as one JSON object (with --watch: one JSON line per change)')
    .option('--wait <seconds>', 'how long to wait for the first probes', parseSeconds, 15)
    .option('--timeout <seconds>', 'with --watch: stop after this many seconds', parseSeconds)
    .action(async (flags: StatusCommandFlags) =>
      (await import('./status-action')).runStatusCommand(io, flags),
    );
}
