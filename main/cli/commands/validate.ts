import type { Command } from 'commander';

import { hasErrors, validateCluster } from '../../../common/cluster';
import { loadPlan } from '../../cluster';
import { clusterPath, printIssues, withClusterOption } from '../cluster-option';
import { CliExit } from '../exit';
import type { CliIo } from '../io';

export function registerValidateCommand(program: Command, io: CliIo) {
  withClusterOption(program.command('validate'))
    .description('Check the cluster plan: errors block flashing, warnings do not')
    .option('--json', 'print the issues as JSON')
    .action(async (options: { cluster: string; json?: boolean }) => {
      const path = clusterPath(options);
      const issues = validateCluster(await loadPlan(path));
      if (options.json) io.out(JSON.stringify(issues, null, 2));
      else if (issues.length === 0) io.out(`${path}: valid`);
      else printIssues(io, issues);
      if (hasErrors(issues)) throw new CliExit(1);
    });
}
