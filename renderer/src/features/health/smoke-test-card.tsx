import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';

/** A DaemonSet that must run on every schedulable node, then is removed: per-node results. */
export function SmokeTestCard({ path, apiConnected }: { path: string; apiConnected: boolean }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [progress, setProgress] = useState<string | null>(null);
  useEffect(
    () =>
      api.on('smokeTestProgress', (event) => {
        if (event.path === path) setProgress(event.message);
      }),
    [api, path],
  );
  const runTest = useCallback(async () => {
    setProgress(null);
    return api.runSmokeTest({ path });
  }, [api, path]);
  const [state, run] = useAction(runTest);
  return (
    <section className="card" data-testid="smoke-test">
      <h2>{t('health.smokeTest')}</h2>
      <p className="hint">{t('health.smokeTestHint')}</p>
      <button
        type="button"
        onClick={() => void run()}
        disabled={state.status === 'busy' || !apiConnected}
        data-testid="run-smoke-test"
      >
        {t('health.runSmokeTest')}
      </button>
      {state.status === 'busy' && (
        <p className="hint" role="status" aria-busy="true">
          <span className="spinner" aria-hidden="true" /> {progress ?? t('common.loading')}
        </p>
      )}
      {state.status === 'failed' && <InlineError error={state.error} />}
      {state.status === 'done' && (
        <div data-testid="smoke-result" data-passed={state.result.passed}>
          <p className={state.result.passed ? 'badge badge-ok' : 'badge badge-danger'}>
            {state.result.passed ? t('health.smokePassed') : t('health.smokeFailed')}
          </p>
          {state.result.error && <InlineError error={state.result.error} />}
          <table className="table compact">
            <tbody>
              {state.result.nodes.map((n) => (
                <tr key={n.node} data-node={n.node} data-ok={n.ok}>
                  <td className="mono">{n.node}</td>
                  <td>
                    <span className={n.ok ? 'badge badge-ok' : 'badge badge-danger'}>
                      {n.podPhase ?? '-'}
                    </span>
                  </td>
                  <td>{n.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
