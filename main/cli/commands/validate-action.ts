import { hasErrors, validateCluster } from '../../../common/cluster';
import { loadPlan } from '../../cluster';
import { clusterPath, printIssues } from '../cluster-option';
import { CliExit } from '../exit';
import type { CliIo } from '../io';

export async function runValidate(io: CliIo, options: { cluster: string; json?: boolean }) {
  const path = clusterPath(options);
  const issues = validateCluster(await loadPlan(path));
  if (options.json) io.out(JSON.stringify(issues, null, 2));
  else if (issues.length === 0) io.out(`${path}: valid`);
  else printIssues(io, issues);
  if (hasErrors(issues)) throw new CliExit(1);
}
