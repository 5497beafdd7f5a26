import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import type { NodeHealth } from '../../../../common/health-view';
import { useApi } from '../../api/api-context';
import { flashNodeHash } from '../../app/sections';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from '../cluster/cluster-context';
import { StageBadge } from './node-grid';
import { NodeLog } from './node-log';
import { TimelineChart } from './timeline-chart';

/** One node in detail: what the probe and the API say, its timeline, its live log, rebuild. */
export function NodeDrawer({ node, onClose }: { node: NodeHealth; onClose(): void }) {
  const { t } = useTranslation();
  const { view } = useOpenCluster();
  const { observation, kube } = node;
  const bootstrap = observation?.bootstrap;
  return (
    <aside
      className="card node-drawer"
      aria-label={node.hostname}
      data-testid="node-drawer"
      data-hostname={node.hostname}
    >
      <div className="row">
        <h2 className="grow">{node.hostname}</h2>
        <StageBadge node={node} />
        <button type="button" className="small" onClick={onClose} data-testid="close-drawer">
          {t('health.close')}
        </button>
      </div>
      {node.stage === 'alarm' && (
        <p className="inline-error" role="alert" data-testid="host-key-alarm">
          {t('health.hostKeyAlarm', { fingerprint: observation?.presentedHostKey ?? '?' })}
        </p>
      )}
      <dl className="facts">
        <dt>{t('health.address')}</dt>
        <dd className="mono">{node.address ?? '-'}</dd>
        <dt>{t('health.ssh')}</dt>
        <dd>{t(`health.sshStates.${observation?.ssh ?? 'unknown'}`)}</dd>
        {bootstrap && (
          <>
            <dt>{t('health.bootstrap')}</dt>
            <dd>
              {bootstrap.phase} · {bootstrap.step}
              {bootstrap.lastError && <span className="warn"> · {bootstrap.lastError}</span>}
            </dd>
          </>
        )}
        {observation?.error && (
          <>
            <dt>{t('health.probeError')}</dt>
            <dd className="warn">{observation.error}</dd>
          </>
        )}
        {kube && (
          <>
            <dt>{t('health.kubelet')}</dt>
            <dd>
              {kube.kubeletVersion} · {kube.osImage} · {kube.architecture}
            </dd>
          </>
        )}
      </dl>
      <h3>{t('health.timeline')}</h3>
      <TimelineChart timeline={node.timeline} />
      <h3>{t('health.log')}</h3>
      {node.flash === 'flashed' ? (
        <NodeLog key={node.hostname} path={view.path} hostname={node.hostname} />
      ) : (
        <p className="hint">{t('health.logNotFlashed')}</p>
      )}
      <RebuildNode hostname={node.hostname} />
    </aside>
  );
}

/**
 * Marks the node for rebuild and takes the user to the Flash panel with that node asked for, so
 * its card comes next even when nodes before it in the plan are still to flash.
 */
function RebuildNode({ hostname }: { hostname: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view, refresh } = useOpenCluster();
  const rebuild = useCallback(async () => {
    refresh(await api.markForRebuild({ path: view.path, hostname }));
    location.hash = flashNodeHash(hostname);
  }, [api, view.path, hostname, refresh]);
  const [state, run] = useAction(rebuild);
  return (
    <div className="row drawer-actions">
      <button
        type="button"
        onClick={() => void run()}
        disabled={state.status === 'busy'}
        title={t('health.rebuildHint')}
        data-testid="health-rebuild"
      >
        {t('health.rebuild')}
      </button>
      {state.status === 'failed' && <InlineError error={state.error} />}
    </div>
  );
}
