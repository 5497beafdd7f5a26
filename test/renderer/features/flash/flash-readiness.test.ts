import { describe, expect, it } from 'vitest';

import type { ClusterView } from '../../../../common/cluster-view';
import {
  flashBlockers,
  sectionOfIssue,
} from '../../../../renderer/src/features/flash/flash-readiness';
import { labCluster, viewOf } from '../cluster/fixtures';

function unlocked(view: ClusterView): ClusterView {
  return { ...view, secrets: { ...view.secrets, unlocked: true } };
}

describe('what stops flashing', () => {
  it('nothing, for an unlocked valid plan with nodes', () => {
    expect(flashBlockers(unlocked(viewOf(labCluster())))).toEqual([]);
  });

  it('locked or missing secrets', () => {
    const view = viewOf(labCluster());
    expect(flashBlockers(view)).toEqual([{ kind: 'secrets-locked' }]);
    expect(flashBlockers({ ...view, secrets: { ...view.secrets, exists: false } })).toEqual([
      { kind: 'no-secrets' },
    ]);
  });

  it('errors of the saved plan, but not its warnings', () => {
    const view = unlocked(viewOf(labCluster()));
    const error = { severity: 'error' as const, path: 'spec.nodes.3.ip', message: 'duplicate' };
    const warning = { severity: 'warning' as const, path: 'spec.nodes', message: 'even etcd' };
    expect(flashBlockers({ ...view, issues: [warning] })).toEqual([]);
    expect(flashBlockers({ ...view, issues: [warning, error] })).toEqual([
      { kind: 'plan-errors', errors: [error] },
    ]);
  });

  it('an empty node table, together with everything else that is wrong', () => {
    const cluster = labCluster();
    const empty = viewOf({ ...cluster, spec: { ...cluster.spec, nodes: [] } });
    expect(flashBlockers(empty).map((b) => b.kind)).toEqual([
      'secrets-locked',
      'plan-errors',
      'no-nodes',
    ]);
  });

  it('sends node problems to Nodes and the rest to Cluster', () => {
    const issue = (path: string) => ({ severity: 'error' as const, path, message: '' });
    expect(sectionOfIssue(issue('spec.nodes'))).toBe('nodes');
    expect(sectionOfIssue(issue('spec.nodes.2.hostname'))).toBe('nodes');
    expect(sectionOfIssue(issue('spec.network.gateway'))).toBe('cluster');
    expect(sectionOfIssue(issue('secrets.wifiPassphrase'))).toBe('cluster');
    expect(sectionOfIssue(issue('spec.nodesExtra'))).toBe('cluster');
  });
});
