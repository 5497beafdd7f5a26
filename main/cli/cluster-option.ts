import { resolve } from 'node:path';

import { type Command, Option } from 'commander';

import type { ValidationIssue } from '../../common/cluster';
import type { CliIo } from './io';

/** `--cluster FILE`, defaulting to ./cluster.yaml, on every command that works on a plan. */
export function withClusterOption(command: Command): Command {
  return command.addOption(
    new Option('-c, --cluster <file>', 'the cluster file')
      .default('cluster.yaml')
      .env('KUBEFLASH_CLUSTER'),
  );
}

export function clusterPath(options: { cluster: string }): string {
  return resolve(options.cluster);
}

/** Errors, then warnings, each with the field it concerns. */
export function printIssues(io: CliIo, issues: readonly ValidationIssue[]): void {
  const sorted = [...issues].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  for (const issue of sorted) {
    const line = `${issue.severity === 'error' ? 'error  ' : 'warning'} ${issue.path}: ${issue.message}`;
    if (issue.severity === 'error') io.err(line);
    else io.out(line);
  }
}

/** `--passphrase-file FILE` for commands that open the encrypted secrets. */
export function withPassphraseOptions(command: Command): Command {
  return command.option(
    '--passphrase-file <file>',
    'file holding the secrets passphrase (else $KUBEFLASH_PASSPHRASE, else asked on the terminal)',
  );
}
