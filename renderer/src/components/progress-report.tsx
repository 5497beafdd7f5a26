import { useTranslation } from 'react-i18next';

import { formatBytes } from '../../../common/format-bytes';
import { etaParts, formatSpeed, progressPercent, type ProgressSample } from './progress-format';

/**
 * A long task's progress: what it is doing, a bar, bytes done of the total, speed and time left.
 * `phaseLabel` is the translated phase; the bar is indeterminate while the total is unknown.
 */
export function ProgressReport({
  phaseLabel,
  sample,
  testId,
}: {
  phaseLabel: string;
  sample: ProgressSample | null;
  testId?: string;
}) {
  const percent = sample ? progressPercent(sample.bytes, sample.total) : null;
  return (
    <div
      className="progress-report"
      data-testid={testId}
      data-phase={sample?.phase ?? ''}
      data-percent={percent ?? ''}
    >
      <div className="progress-line">
        <span className="progress-phase">{phaseLabel}</span>
        {percent !== null && <span className="progress-percent">{percent} %</span>}
      </div>
      <progress
        key={percent === null ? 'busy' : 'measured'}
        max={100}
        value={percent ?? undefined}
        aria-label={phaseLabel}
        aria-valuetext={percent === null ? phaseLabel : `${phaseLabel}: ${percent} %`}
      />
      {sample && <ProgressNumbers sample={sample} />}
    </div>
  );
}

/** Bytes (of the total, when known), speed while there is one, and the time left. */
function ProgressNumbers({ sample }: { sample: ProgressSample }) {
  const { t } = useTranslation();
  const knownTotal = sample.total !== null && sample.total > 0 ? sample.total : null;
  return (
    <div className="progress-numbers hint">
      {knownTotal !== null ? (
        <span data-testid="progress-bytes">
          {t('progress.bytesOf', {
            bytes: formatBytes(sample.bytes),
            total: formatBytes(knownTotal),
          })}
        </span>
      ) : (
        sample.bytes > 0 && <span data-testid="progress-bytes">{formatBytes(sample.bytes)}</span>
      )}
      {sample.bytesPerSecond > 0 && (
        <span data-testid="progress-speed">{formatSpeed(sample.bytesPerSecond)}</span>
      )}
      <EtaText etaSeconds={sample.etaSeconds} />
    </div>
  );
}

function EtaText({ etaSeconds }: { etaSeconds: number | null }) {
  const { t } = useTranslation();
  const parts = etaParts(etaSeconds);
  if (!parts) return null;
  const time =
    parts.unit === 'hours'
      ? t('progress.hours', { hours: parts.hours, minutes: parts.minutes })
      : parts.unit === 'minutes'
        ? t('progress.minutes', { minutes: parts.minutes, seconds: parts.seconds })
        : t('progress.seconds', { seconds: parts.seconds });
  return <span data-testid="progress-eta">{t('progress.eta', { time })}</span>;
}
