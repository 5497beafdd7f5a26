import type { ValidationIssue } from '../../../../common/cluster';

/**
 * Which validation issues belong beside which field. Paths are validateCluster's
 * (`spec.nodes.2.ip`); a field shows the issues at its path and, unless `exact`, below it.
 */
export function issuesAt(
  issues: readonly ValidationIssue[],
  path: string,
  { exact = false }: { exact?: boolean } = {},
): ValidationIssue[] {
  return issues.filter(
    (issue) => issue.path === path || (!exact && issue.path.startsWith(`${path}.`)),
  );
}

/** The issues of node `index` (its hostname, address, init flag …). */
export function nodeIssues(issues: readonly ValidationIssue[], index: number): ValidationIssue[] {
  return issuesAt(issues, `spec.nodes.${index}`);
}

/** Issues about the node table as a whole (no control plane, even etcd members …). */
export function nodeTableIssues(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issuesAt(issues, 'spec.nodes', { exact: true });
}

export function countIssues(issues: readonly ValidationIssue[]): {
  errors: number;
  warnings: number;
} {
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  return { errors, warnings: issues.length - errors };
}
