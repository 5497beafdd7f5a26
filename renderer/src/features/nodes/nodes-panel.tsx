import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { IssueList } from '../../components/issue-list';
import { EmptyState } from '../../components/state-views';
import { useOpenCluster } from '../cluster/cluster-context';
import { nodeTableIssues } from '../cluster/issues';
import { OpenClusterGate } from '../cluster/open-cluster-gate';
import { PlanToolbar } from '../cluster/plan-toolbar';
import { BulkAddDialog } from './bulk-add-dialog';
import { NodeTable } from './node-table';

/** The Nodes section: the open plan's node table, or the way to open a plan. */
export function NodesPanel() {
  return (
    <OpenClusterGate section="nodes">
      <OpenNodes />
    </OpenClusterGate>
  );
}

function OpenNodes() {
  const { t } = useTranslation();
  const { edited, issues } = useOpenCluster();
  const [adding, setAdding] = useState(false);
  const { nodes } = edited.spec;
  const controlPlanes = nodes.filter((node) => node.role === 'control-plane').length;
  return (
    <section className="nodes" aria-label={t('nav.nodes')}>
      <PlanToolbar />
      <div className="row nodes-header">
        <p className="hint grow" data-testid="node-counts">
          {t('nodes.controlPlaneCount', { count: controlPlanes })} ·{' '}
          {t('nodes.workerCount', { count: nodes.length - controlPlanes })}
        </p>
        <button type="button" onClick={() => setAdding(true)} data-testid="bulk-add">
          {t('nodes.add')}
        </button>
      </div>
      <IssueList issues={nodeTableIssues(issues)} testId="node-table-issues" />
      {nodes.length === 0 ? (
        <EmptyState title={t('nodes.emptyTitle')} body={t('nodes.emptyBody')} />
      ) : (
        <NodeTable />
      )}
      {adding && <BulkAddDialog onClose={() => setAdding(false)} />}
    </section>
  );
}
