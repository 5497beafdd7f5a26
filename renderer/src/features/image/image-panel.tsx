import { useTranslation } from 'react-i18next';

import { EmptyState } from '../../components/state-views';

export function ImagePanel() {
  const { t } = useTranslation();
  return <EmptyState title={t('image.emptyTitle')} body={t('image.emptyBody')} />;
}
