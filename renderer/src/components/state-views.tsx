import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Nothing to show yet: what is missing and, as `children`, the way to get it. */
export function EmptyState({
  title,
  body,
  children,
}: {
  title: string;
  body?: string;
  children?: ReactNode;
}) {
  return (
    <div className="state state-empty" role="status" data-testid="empty-state">
      <h3>{title}</h3>
      {body && <p>{body}</p>}
      {children}
    </div>
  );
}

export function LoadingState() {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" aria-busy="true">
      <span className="spinner" aria-hidden="true" /> {t('common.loading')}
    </div>
  );
}

/** A failed load or action: what went wrong (the Node side's message), a way to retry. */
export function ErrorState({
  error,
  onRetry,
  title,
  children,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      <h3>{title ?? t('common.error')}</h3>
      <p className="error-message">{message}</p>
      {(onRetry || children) && (
        <div className="state-actions">
          {onRetry && (
            <button type="button" onClick={onRetry}>
              {t('common.retry')}
            </button>
          )}
          {children}
        </div>
      )}
    </div>
  );
}

/** A small error beside the control that caused it (a form's failed call). */
export function InlineError({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <p className="inline-error" role="alert">
      {message}
    </p>
  );
}
