import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { ImageCacheView } from '../../../../common/flash';
import { formatBytes } from '../../../../common/format-bytes';
import { useApi } from '../../api/api-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorState, InlineError, LoadingState } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useAsync } from '../../components/use-async';

/** Where images are cached, how much room they take of the limit, and a way to empty it. */
export function ImageCacheSettings() {
  const { t } = useTranslation();
  const { api } = useApi();
  const load = useCallback(() => api.imageCache({}), [api]);
  const [cache, reload] = useAsync(load);
  const [confirming, setConfirming] = useState(false);
  const clear = useCallback(() => api.clearImageCache({}), [api]);
  const [clearing, runClear] = useAction(clear);
  // After clearing, what the Node side answered is the current cache.
  const current =
    clearing.status === 'done' ? clearing.result : cache.status === 'ready' ? cache.data : null;

  return (
    <section className="card settings-card" data-testid="image-cache">
      <h2>{t('settings.cacheHeading')}</h2>
      <p className="hint">{t('settings.cacheHint')}</p>
      {cache.status === 'loading' && <LoadingState />}
      {cache.status === 'error' && <ErrorState error={cache.error} onRetry={reload} />}
      {current && (
        <>
          <CacheDetails cache={current} />
          <div className="row">
            <button
              type="button"
              className="danger"
              onClick={() => setConfirming(true)}
              disabled={clearing.status === 'busy' || current.entries.length === 0}
              data-testid="clear-cache"
            >
              {t('settings.clearCache')}
            </button>
          </div>
          {clearing.status === 'failed' && <InlineError error={clearing.error} />}
          {clearing.status === 'done' && (
            <p className="notice" role="status" data-testid="cache-cleared">
              {t('settings.cleared', { total: formatBytes(clearing.result.totalBytes) })}
            </p>
          )}
          {confirming && (
            <ConfirmDialog
              title={t('settings.clearTitle')}
              confirmLabel={t('settings.clear')}
              onConfirm={() => {
                setConfirming(false);
                void runClear();
              }}
              onCancel={() => setConfirming(false)}
              testId="confirm-clear-cache"
            >
              <p>
                {t('settings.clearBody', {
                  count: current.entries.length,
                  total: formatBytes(current.totalBytes),
                })}
              </p>
            </ConfirmDialog>
          )}
        </>
      )}
    </section>
  );
}

function CacheDetails({ cache }: { cache: ImageCacheView }) {
  const { t } = useTranslation();
  return (
    <>
      <dl className="facts">
        <dt>{t('settings.cacheDir')}</dt>
        <dd className="mono break">{cache.dir}</dd>
        <dt>{t('settings.cacheUsage')}</dt>
        <dd data-testid="cache-usage" data-bytes={cache.totalBytes}>
          {t('settings.cacheUsageValue', {
            total: formatBytes(cache.totalBytes),
            max: formatBytes(cache.maxBytes),
          })}
          <progress
            className="cache-meter"
            max={cache.maxBytes || 1}
            value={cache.totalBytes}
            aria-label={t('settings.cacheUsage')}
          />
        </dd>
      </dl>
      {cache.entries.length === 0 ? (
        <p className="hint" data-testid="cache-empty">
          {t('settings.cacheEmpty')}
        </p>
      ) : (
        <table className="table compact" data-testid="cache-entries">
          <thead>
            <tr>
              <th>{t('settings.cacheSource')}</th>
              <th>{t('settings.cacheSize')}</th>
              <th>{t('settings.cacheArchiveSha256')}</th>
            </tr>
          </thead>
          <tbody>
            {cache.entries.map((entry) => (
              <tr key={entry.sourceSha256}>
                <td className="break">
                  {entry.source}{' '}
                  {entry.inUse && (
                    <span className="badge badge-accent">{t('settings.cacheInUse')}</span>
                  )}
                </td>
                <td className="nowrap">{formatBytes(entry.size)}</td>
                <td className="mono" title={entry.sourceSha256}>
                  {entry.sourceSha256.slice(0, 12)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
