import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

import { EmptyState, LoadingState } from '../../components/state-views';
import { useCluster } from './cluster-context';
import { ReopenFailed } from './reopen-failed';

/**
 * A section that works on the open cluster: its content once one is open; until then loading,
 * why the remembered cluster did not reopen, or the way to the Cluster section (with the
 * section's own words: `<section>.noClusterTitle`, `.noClusterBody`, `.goToCluster`).
 */
export function OpenClusterGate({
  section,
  renderClosed = (notice) => notice,
  children,
}: {
  section: 'nodes' | 'flash' | 'health';
  /** What the section shows without a cluster, around the notice (the Flash drives, say). */
  renderClosed?: (notice: ReactNode) => ReactNode;
  children: ReactNode;
}) {
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
          linkText={t(`${section}.goToCluster`)}
        />
      );
    case 'closed':
      return renderClosed(
        <EmptyState title={t(`${section}.noClusterTitle`)} body={t(`${section}.noClusterBody`)}>
          <a className="button-link" href="#/cluster" data-testid="go-to-cluster">
            {t(`${section}.goToCluster`)}
          </a>
        </EmptyState>,
      );
    case 'open':
      return children;
  }
}
