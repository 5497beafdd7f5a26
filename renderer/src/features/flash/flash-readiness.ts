import type { ValidationIssue } from '../../../../common/cluster';
import type { ClusterView } from '../../../../common/cluster-view';

/** What stops the open cluster's cards from being written; all of them at once. */
export type FlashBlocker =
  | { kind: 'no-secrets' }
  | { kind: 'secrets-locked' }
  | { kind: 'plan-errors'; errors: ValidationIssue[] }
  | { kind: 'no-nodes' };

/**
 * Cards are written from the saved plan (as the Node side loads it), so the saved view decides:
 * its secrets must be unlocked and its plan free of errors (warnings do not block).
 */
export function flashBlockers(view: ClusterView): FlashBlocker[] {
  const blockers: FlashBlocker[] = [];
  if (!view.secrets.exists) blockers.push({ kind: 'no-secrets' });
  else if (!view.secrets.unlocked) blockers.push({ kind: 'secrets-locked' });
  const errors = view.issues.filter((issue) => issue.severity === 'error');
  if (errors.length > 0) blockers.push({ kind: 'plan-errors', errors });
  if (view.cluster.spec.nodes.length === 0) blockers.push({ kind: 'no-nodes' });
  return blockers;
}

/** The section where a plan problem is fixed: the node table, or the cluster's settings. */
export function sectionOfIssue(issue: ValidationIssue): 'nodes' | 'cluster' {
  return issue.path === 'spec.nodes' || issue.path.startsWith('spec.nodes.') ? 'nodes' : 'cluster';
}
