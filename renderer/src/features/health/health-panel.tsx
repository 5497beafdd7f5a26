import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import { nodeStatus } from '../../../../common/cluster';
import { formatDuration, type HealthView } from '../../../../common/health-view';
import { EmptyState, ErrorState, LoadingState } from '../../components/state-views';
import { useOpenCluster } from '../cluster/cluster-context';
import { OpenClusterGate } from '../cluster/open-cluster-gate';
import { UnlockForm } from '../cluster/unlock-form';
import { ClusterTables } from './cluster-tables';
import { FetchKubeconfigForm } from './fetch-kubeconfig-form';
import { NodeDrawer } from './node-drawer';
import { NodeGrid } from './node-grid';
import { SmokeTestCard } from './smoke-test-card';
import { useHealth } from './use-health';

/** The Health section (flow 6): watch the open cluster's nodes come up. */
export function HealthPanel({ appInfo }: { appInfo: AppInfo }) {
  return (
    <OpenClusterGate section="health">
      <OpenHealth passphraseKeychain={appInfo.passphraseKeychain} />
    </OpenClusterGate>
  );
}

function OpenHealth({ passphraseKeychain }: { passphraseKeychain: boolean }) {
  const { t } = useTranslation();
  const { view } = useOpenCluster();
  const flashed = view.cluster.spec.nodes.some(
    (n) => nodeStatus(view.state, n.hostname) === 'flashed',
  );
  if (!view.secrets.unlocked) {
    return (
      <section className="card blocker" data-testid="health-locked">
        <h2>{t('health.lockedTitle')}</h2>
        <p className="hint">{t('health.lockedBody')}</p>
        <UnlockForm passphraseKeychain={passphraseKeychain} />
      </section>
    );
  }
  if (!flashed) {
    return (
      <EmptyState title={t('health.emptyTitle')} body={t('health.emptyBody')}>
        <a className="button-link" href="#/flash">
          {t('health.goToFlash')}
        </a>
      </EmptyState>
    );
  }
  return <Watching key={view.path} path={view.path} />;
}

function Watching({ path }: { path: string }) {
  const { t } = useTranslation();
  const { state, status, retry } = useHealth(path);
  const [selected, setSelected] = useState<string | null>(null);
  if (status.status === 'error') return <ErrorState error={status.error} onRetry={retry} />;
  const { view } = state;
  if (status.status === 'loading' || !view) return <LoadingState />;
  const node = view.nodes.find((n) => n.hostname === selected) ?? null;
  return (
    <section className="health" aria-label={t('nav.health')} data-testid="health">
      <Headline view={view} />
      <NodeGrid nodes={view.nodes} selected={selected} onSelect={setSelected} />
      {node && <NodeDrawer node={node} onClose={() => setSelected(null)} />}
      <ClusterTables view={view} />
      <SmokeTestCard path={path} apiConnected={view.api === 'connected'} />
      <FetchKubeconfigForm />
    </section>
  );
}

function Headline({ view }: { view: HealthView }) {
  const { t } = useTranslation();
  const ready = view.nodes.filter((n) => n.stage === 'ready').length;
  const text =
    view.readyAfterSeconds !== null
      ? t('health.headlineReady', { duration: formatDuration(view.readyAfterSeconds) })
      : view.timeline.readyAt
        ? t('health.headlineReadyNoClock')
        : t('health.headlineWaiting', { ready, total: view.nodes.length });
  return (
    <div className="row health-headline">
      <p
        className="grow"
        data-testid="health-headline"
        data-ready={view.readyAfterSeconds !== null}
      >
        <strong>{text}</strong>
      </p>
      <span className="badge" data-testid="api-state" data-state={view.api}>
        {t('health.api', { state: t(`health.apiStates.${view.api}`) })}
      </span>
      {!view.watching && <span className="badge badge-warn">{t('health.notWatching')}</span>}
    </div>
  );
}
