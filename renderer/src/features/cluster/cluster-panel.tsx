import { useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { AppInfo } from '../../../../common/app-info';
import { ErrorState, LoadingState } from '../../components/state-views';
import { type Tab, Tabs } from '../../components/tabs';
import { useCluster } from './cluster-context';
import { FileTab } from './file-tab';
import { KubeconfigForm } from './kubeconfig-form';
import { NewClusterForm } from './new-cluster-form';
import { OpenClusterForm } from './open-cluster-form';
import { PlanToolbar } from './plan-toolbar';
import { SecretsPanel } from './secrets-panel';
import { PlanSettingsForm } from './settings/plan-settings-form';

type ClusterTab = 'settings' | 'secrets' | 'kubeconfig' | 'files';

/** The Cluster section: open or create a cluster; then its settings, secrets and kubeconfig. */
export function ClusterPanel({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const { state, retryReopen, close } = useCluster();
  if (state.status === 'open') return <OpenClusterView key={state.view.path} appInfo={appInfo} />;
  return (
    <div className="cluster-start">
      {state.status === 'opening' && <LoadingState />}
      {state.status === 'failed' && (
        <ErrorState
          error={state.error}
          title={t('cluster.reopenFailed', { path: state.path })}
          onRetry={retryReopen}
        >
          <button type="button" onClick={close}>
            {t('cluster.forget')}
          </button>
        </ErrorState>
      )}
      {state.status !== 'opening' && (
        <>
          <section className="card">
            <h2>{t('cluster.heading')}</h2>
            <p className="hint">{t('cluster.openHint')}</p>
            <OpenClusterForm fileDialogs={appInfo.fileDialogs} unsavedChanges={false} />
          </section>
          <section className="card">
            <h2>{t('cluster.newHeading')}</h2>
            <p className="hint">{t('cluster.newHint')}</p>
            <NewClusterForm fileDialogs={appInfo.fileDialogs} unsavedChanges={false} />
          </section>
        </>
      )}
    </div>
  );
}

function OpenClusterView({ appInfo }: { appInfo: AppInfo }) {
  const { t } = useTranslation();
  const [tab, setTab] = useState<ClusterTab>('settings');
  const tabs: Tab<ClusterTab>[] = [
    { key: 'settings', label: t('cluster.tabs.settings') },
    { key: 'secrets', label: t('cluster.tabs.secrets') },
    { key: 'kubeconfig', label: t('cluster.tabs.kubeconfig') },
    { key: 'files', label: t('cluster.tabs.files') },
  ];
  return (
    <div className="cluster-open">
      <PlanToolbar />
      <Tabs label={t('cluster.tabsLabel')} tabs={tabs} selected={tab} onSelect={setTab}>
        {tab === 'settings' && <PlanSettingsForm />}
        {tab === 'secrets' && <SecretsPanel passphraseKeychain={appInfo.passphraseKeychain} />}
        {tab === 'kubeconfig' && <KubeconfigForm />}
        {tab === 'files' && (
          <FileTab fileDialogs={appInfo.fileDialogs} onOpened={() => setTab('settings')} />
        )}
      </Tabs>
    </div>
  );
}
