import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { appendLogLines } from './health-state';

type LogStatus =
  | { status: 'starting' }
  | { status: 'following' }
  | { status: 'ended' }
  | { status: 'failed'; error: string };

/**
 * The node's live bootstrap log while the drawer is open; the stream stops when it closes.
 * Rendered with `key={hostname}`, so another node starts from an empty log.
 */
export function NodeLog({ path, hostname }: { path: string; hostname: string }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const [lines, setLines] = useState<string[]>([]);
  const [status, setStatus] = useState<LogStatus>({ status: 'starting' });
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let current = true;
    let streamId: string | null = null;
    const off = api.on('healthLog', (event) => {
      if (!current || event.streamId !== streamId) return;
      if (event.lines.length > 0) setLines((old) => appendLogLines(old, event.lines));
      if (event.ended)
        setStatus(event.error ? { status: 'failed', error: event.error } : { status: 'ended' });
    });
    api.followNodeLog({ path, hostname }).then(
      (started) => {
        streamId = started.streamId;
        if (!current) void api.stopNodeLog({ streamId }).catch(() => {});
        else setStatus({ status: 'following' });
      },
      (error: unknown) =>
        current &&
        setStatus({
          status: 'failed',
          error: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      current = false;
      off();
      if (streamId) void api.stopNodeLog({ streamId }).catch(() => {});
    };
  }, [api, path, hostname]);

  useEffect(() => {
    box.current?.scrollTo({ top: box.current.scrollHeight });
  }, [lines]);

  return (
    <div className="node-log" data-testid="node-log" data-status={status.status}>
      {status.status === 'failed' && <InlineError error={status.error} />}
      {lines.length === 0 ? (
        <p className="hint">
          {status.status === 'starting' ? t('common.loading') : t('health.logEmpty')}
        </p>
      ) : (
        <pre ref={box} className="mono log-lines" data-testid="node-log-lines">
          {lines.join('\n')}
        </pre>
      )}
      {status.status === 'ended' && <p className="hint">{t('health.logEnded')}</p>}
    </div>
  );
}
