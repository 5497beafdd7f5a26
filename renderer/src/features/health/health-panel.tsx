import { useTranslation } from 'react-i18next';

import { EmptyState } from '../../components/state-views';

export function HealthPanel() {
  const { t } = useTranslation();
  return <EmptyState title={t('health.emptyTitle')} body={t('health.emptyBody')} />;
}
