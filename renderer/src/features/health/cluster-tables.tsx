import { useTranslation } from 'react-i18next';

import type { HealthView } from '../../../../common/health-view';
import { EmptyState } from '../../components/state-views';

/** The cluster as its API shows it: nodes with conditions, kube-system pods, warning events. */
export function ClusterTables({ view }: { view: HealthView }) {
  const { t } = useTranslation();
  const apiNodes = view.nodes.filter((n) => n.kube).map((n) => n.kube!);
  if (view.api !== 'connected' && apiNodes.length === 0) {
    return (
      <EmptyState
        title={t('health.apiNotConnected', { state: t(`health.apiStates.${view.api}`) })}
        body={view.apiError ?? t('health.apiNotConnectedBody')}
      />
    );
  }
  return (
    <>
      <section className="card" data-testid="cluster-nodes">
        <h2>{t('health.clusterNodes')}</h2>
        {apiNodes.length === 0 ? (
          <p className="hint">{t('health.noApiNodes')}</p>
        ) : (
          <div className="table-scroll">
            <table className="table compact">
              <thead>
                <tr>
                  <th>{t('health.node')}</th>
                  <th>{t('health.conditions')}</th>
                  <th>{t('health.rolesColumn')}</th>
                  <th>{t('health.kubelet')}</th>
                  <th>{t('health.osImage')}</th>
                  <th>{t('health.arch')}</th>
                </tr>
              </thead>
              <tbody>
                {apiNodes.map((node) => (
                  <tr key={node.name} data-testid="cluster-node" data-ready={node.ready}>
                    <td className="mono">{node.name}</td>
                    <td>
                      {node.conditions.map((c) => (
                        <span
                          key={c.type}
                          className={conditionBadge(c.type, c.status)}
                          title={c.message ?? undefined}
                        >
                          {c.type}={c.status}
                        </span>
                      ))}
                    </td>
                    <td>{node.roles.join(', ') || '-'}</td>
                    <td className="mono">{node.kubeletVersion}</td>
                    <td>{node.osImage}</td>
                    <td>{node.architecture}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" data-testid="system-pods">
        <h2>{t('health.systemPods')}</h2>
        {view.systemPods.length === 0 ? (
          <p className="hint">{t('health.noPods')}</p>
        ) : (
          <table className="table compact">
            <tbody>
              {view.systemPods.map((pod) => (
                <tr key={pod.name}>
                  <td className="mono">{pod.name}</td>
                  <td>{pod.node ?? '-'}</td>
                  <td>
                    <span className={pod.ready ? 'badge badge-ok' : 'badge badge-warn'}>
                      {pod.phase}
                    </span>
                  </td>
                  <td>{t('health.restarts', { count: pod.restarts })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" data-testid="warnings">
        <h2>{t('health.warnings')}</h2>
        {view.warnings.length === 0 ? (
          <p className="hint">{t('health.noWarnings')}</p>
        ) : (
          <ul className="warning-list">
            {view.warnings.map((w, i) => (
              <li key={`${w.object}-${w.reason}-${i}`}>
                <strong>{w.reason}</strong> <span className="mono">{w.object}</span>: {w.message}
                {w.count > 1 && <span className="hint"> ×{w.count}</span>}
              </li>
            ))}
          </ul>
        )}
      </section>
      {view.addons.length > 0 && (
        <section className="card" data-testid="addons">
          <h2>{t('health.addons')}</h2>
          <ul className="warning-list">
            {view.addons.map((a) => (
              <li key={a.addon} data-addon={a.addon} data-state={a.state}>
                <strong>{t(`health.addonNames.${a.addon}`)}</strong>{' '}
                <span className={a.state === 'ready' ? 'badge badge-ok' : 'badge badge-warn'}>
                  {t(`health.addonStates.${a.state}`)}
                </span>{' '}
                <span className="hint">{a.detail}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** Ready=True is good; for the pressure conditions, True is the bad news. */
function conditionBadge(type: string, status: string): string {
  const good = type === 'Ready' ? status === 'True' : status === 'False';
  return good ? 'badge badge-ok' : 'badge badge-danger';
}
