import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { TextField } from '../../components/text-fields';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from '../cluster/cluster-context';
import { siblingPath } from '../cluster/sibling-path';

/**
 * The fallback when the generated kubeconfig is lost: the init node's own, read over SSH (host
 * key pinned), pointed at the plan's endpoint and saved 0600.
 */
export function FetchKubeconfigForm() {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view } = useOpenCluster();
  const [file, setFile] = useState(() =>
    siblingPath(view.path, `${view.cluster.metadata.name}.node.kubeconfig`),
  );
  const fetchIt = useCallback(
    (target: string) =>
      api.fetchKubeconfigFromNode({ path: view.path, destination: { kind: 'file', file: target } }),
    [api, view.path],
  );
  const [state, run] = useAction(fetchIt);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run(file.trim());
  };
  return (
    <form className="card" onSubmit={onSubmit} data-testid="fetch-kubeconfig">
      <h2>{t('health.fetchKubeconfig')}</h2>
      <p className="hint">{t('health.fetchKubeconfigHint')}</p>
      <TextField label={t('health.destination')} value={file} onChange={setFile} />
      <button type="submit" disabled={state.status === 'busy' || !file.trim()}>
        {t('health.fetch')}
      </button>
      {state.status === 'done' && (
        <p className="hint" role="status">
          {t('health.fetched', { path: state.result.path })}
        </p>
      )}
      {state.status === 'failed' && <InlineError error={state.error} />}
    </form>
  );
}
