import { useTranslation } from 'react-i18next';

import { EmptyState, ErrorState, LoadingState } from '../../components/state-views';
import { DriveList } from './drive-list';
import { useDrives } from './use-drives';

export function FlashPanel() {
  const { t } = useTranslation();
  const [drives, reload] = useDrives();
  return (
    <section aria-labelledby="flash-heading">
      <h2 id="flash-heading">{t('flash.heading')}</h2>
      {drives.status === 'loading' && <LoadingState />}
      {drives.status === 'error' && <ErrorState error={drives.error} onRetry={reload} />}
      {drives.status === 'ready' &&
        (drives.data.length === 0 ? (
          <EmptyState title={t('flash.emptyTitle')} body={t('flash.emptyBody')} />
        ) : (
          <>
            <DriveList drives={drives.data} />
            {drives.data.some((d) => d.loop) && <p className="hint">{t('flash.loopHint')}</p>}
          </>
        ))}
    </section>
  );
}
