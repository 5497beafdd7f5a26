import type { Cluster, ValidationIssue } from '../../../../../common/cluster';
import { useOpenCluster } from '../cluster-context';
import { issuesAt } from '../issues';

/** The edited plan for a settings section: values, one edit per field path, issues per path. */
export function usePlanBinding() {
  const { edited, edit, issues } = useOpenCluster();
  return {
    cluster: edited,
    /** Edits of one field (`path`) coalesce into one undo step. */
    update: (path: string, change: (cluster: Cluster) => Cluster) => edit(change, path),
    issuesAt: (path: string, exact = false): ValidationIssue[] => issuesAt(issues, path, { exact }),
  };
}
