import { useTranslation } from 'react-i18next';

import { ErrorState } from '../../components/state-views';

/** The remembered cluster could not be reopened: say why, offer a retry and the way to Cluster. */
export function ReopenFailed({
  error,
  path,
  onRetry,
  linkText,
}: {
  error: unknown;
  path: string;
  onRetry: () => void;
  linkText: string;
}) {
  const { t } = useTranslation();
  return (
    <ErrorState error={error} title={t('cluster.reopenFailed', { path })} onRetry={onRetry}>
      <a href="#/cluster">{linkText}</a>
    </ErrorState>
  );
}
