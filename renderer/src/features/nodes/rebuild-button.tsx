import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from '../cluster/cluster-context';

/** Mark a flashed node's card to be written again (the next "flash next card" picks it). */
export function RebuildButton({ hostname }: { hostname: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view, refresh } = useOpenCluster();
  const mark = useCallback(
    async () => refresh(await api.markForRebuild({ path: view.path, hostname })),
    [api, view.path, hostname, refresh],
  );
  const [marking, runMark] = useAction(mark);
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={() => void runMark()}
        disabled={marking.status === 'busy'}
        title={t('nodes.rebuildHint')}
        data-testid="rebuild"
      >
        {t('nodes.rebuild')}
      </button>
      {marking.status === 'failed' && <InlineError error={marking.error} />}
    </>
  );
}
