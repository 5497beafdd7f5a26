import { useCallback, useEffect, useReducer } from 'react';
import { useTranslation } from 'react-i18next';

import { nodeStatus } from '../../../../common/cluster';
import type { HealthAlert } from '../../../../common/health-view';
import { useApi } from '../../api/api-context';
import { useCluster } from '../cluster/cluster-context';
import { notifyHealthAlert } from './health-alerts';
import { healthReducer, initialHealthState } from './health-state';

/** The watched cluster of this window: open, secrets unlocked, at least one card flashed. */
function useWatchedPath(): string | null {
  const { state } = useCluster();
  if (state.status !== 'open' || !state.view.secrets.unlocked) return null;
  const { view } = state;
  const flashed = view.cluster.spec.nodes.some(
    (n) => nodeStatus(view.state, n.hostname) === 'flashed',
  );
  return flashed ? view.path : null;
}

export function useAlertTitle(): (alert: HealthAlert) => string {
  const { t } = useTranslation();
  return useCallback(
    (alert: HealthAlert) =>
      t(alert.kind === 'not-ready' ? 'health.alertNotReady' : 'health.alertHostKey', {
        hostname: alert.hostname,
      }),
    [t],
  );
}

/**
 * Keeps the backend's health watch of the open cluster running whatever section is shown, and
 * shows its alerts (in the app and as desktop notifications). The watch belongs to the backend,
 * one per cluster file however many windows ask; it ends when the secrets are locked (or the
 * backend stops), never because a window or a panel went away. Asked again after a reconnect.
 */
export function HealthWatchKeeper() {
  const { t } = useTranslation();
  const { api, connected } = useApi();
  const path = useWatchedPath();
  const alertTitle = useAlertTitle();
  const [state, dispatch] = useReducer(healthReducer, initialHealthState);

  useEffect(() => {
    dispatch({ type: 'reset' });
    if (!path) return;
    const off = api.on('healthAlert', (alert) => {
      if (alert.path !== path) return;
      dispatch({ type: 'alert', alert });
      notifyHealthAlert(alertTitle(alert), alert.detail);
    });
    return off;
  }, [api, path, alertTitle]);

  useEffect(() => {
    if (!path || !connected) return;
    // A failure shows on the Health panel, which asks again; here it only means no alerts yet.
    void api.startHealthWatch({ path }).catch(() => {});
  }, [api, path, connected]);

  if (state.alerts.length === 0) return null;
  return (
    <ul className="health-alerts" data-testid="health-alerts">
      {state.alerts.map((alert) => (
        <li key={`${alert.hostname}-${alert.kind}-${alert.at}`} role="alert" data-kind={alert.kind}>
          <strong>{alertTitle(alert)}</strong> <span className="hint">{alert.detail}</span>{' '}
          <a className="small" href="#/health">
            {t('health.alertOpen')}
          </a>{' '}
          <button
            type="button"
            className="small"
            onClick={() => dispatch({ type: 'dismiss', alert })}
          >
            {t('health.dismiss')}
          </button>
        </li>
      ))}
    </ul>
  );
}
