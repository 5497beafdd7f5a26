import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { BrowseButton } from './browse-button';
import { useCluster } from './cluster-context';
import { ConfirmDiscard } from './confirm-discard';

/** Open a cluster file by its path (typed, or chosen with Browse… in the desktop app). */
export function OpenClusterForm({
  fileDialogs,
  unsavedChanges,
  onOpened,
}: {
  fileDialogs: boolean;
  unsavedChanges: boolean;
  onOpened?: () => void;
}) {
  const { t } = useTranslation();
  const { open } = useCluster();
  const [path, setPath] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const openPath = useCallback(
    async (target: string) => {
      await open(target);
      onOpened?.();
    },
    [open, onOpened],
  );
  const [opening, runOpen] = useAction(openPath);

  const request = (target: string) => {
    if (unsavedChanges) setConfirming(target);
    else void runOpen(target);
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    request(path.trim());
  };

  const onPicked = (picked: string) => {
    setPath(picked);
    request(picked);
  };

  return (
    <form className="open-form" onSubmit={onSubmit} data-testid="open-cluster-form">
      <div className="row">
        <label className="grow">
          <span className="label">{t('cluster.pathLabel')}</span>
          <input
            value={path}
            onChange={(event) => setPath(event.target.value)}
            placeholder={t('cluster.pathPlaceholder')}
            spellCheck={false}
            data-testid="open-path"
          />
        </label>
        <button type="submit" disabled={!path.trim() || opening.status === 'busy'}>
          {opening.status === 'busy' ? t('cluster.opening') : t('cluster.open')}
        </button>
        {fileDialogs && <BrowseButton purpose="open" onPicked={onPicked} />}
      </div>
      {confirming !== null && (
        <ConfirmDiscard
          onConfirm={() => {
            setConfirming(null);
            void runOpen(confirming);
          }}
          onCancel={() => setConfirming(null)}
        />
      )}
      {opening.status === 'failed' && <InlineError error={opening.error} />}
    </form>
  );
}
