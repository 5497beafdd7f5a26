import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';

/** The desktop app's native file dialog for a cluster file; the picked path goes to `onPicked`. */
export function BrowseButton({
  purpose,
  onPicked,
}: {
  purpose: 'open' | 'save';
  onPicked: (path: string) => void;
}) {
  const { t } = useTranslation();
  const { api } = useApi();
  const pick = useCallback(async () => {
    const picked = await api.pickClusterFile({ purpose });
    if (picked.path) onPicked(picked.path);
  }, [api, purpose, onPicked]);
  const [picking, runPick] = useAction(pick);
  return (
    <>
      <button type="button" onClick={() => void runPick()} disabled={picking.status === 'busy'}>
        {t('common.browse')}
      </button>
      {picking.status === 'failed' && <InlineError error={picking.error} />}
    </>
  );
}
