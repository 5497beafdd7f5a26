import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import { IssueList } from '../../components/issue-list';
import { EmptyState, LoadingState } from '../../components/state-views';
import { useCluster, useOpenCluster } from '../cluster/cluster-context';
import { nodeTableIssues } from '../cluster/issues';
import { PlanToolbar } from '../cluster/plan-toolbar';
import { ReopenFailed } from '../cluster/reopen-failed';
import { BulkAddDialog } from './bulk-add-dialog';
import { NodeTable } from './node-table';

/** The Nodes section: the open plan's node table, or the way to open a plan. */
export function NodesPanel() {
  const { t } = useTranslation();
  const { state, retryReopen } = useCluster();
  switch (state.status) {
    case 'opening':
      return <LoadingState />;
    case 'failed':
      return (
        <ReopenFailed
          error={state.error}
          path={state.path}
          onRetry={retryReopen}
          linkText={t('nodes.goToCluster')}
        />
      );
    case 'closed':
      return (
        <EmptyState title={t('nodes.noClusterTitle')} body={t('nodes.noClusterBody')}>
          <a className="button-link" href="#/cluster" data-testid="go-to-cluster">
            {t('nodes.goToCluster')}
          </a>
        </EmptyState>
      );
    case 'open':
      return <OpenNodes />;
  }
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
