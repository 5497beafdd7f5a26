import { useTranslation } from 'react-i18next';

import { EmptyState } from '../../components/state-views';

export function NodesPanel() {
  const { t } = useTranslation();
  return <EmptyState title={t('nodes.emptyTitle')} body={t('nodes.emptyBody')} />;
}
