import { useTranslation } from 'react-i18next';

import type { InspectedImage } from '../../../../common/flash';
import { formatBytes } from '../../../../common/format-bytes';
import { ProgressReport } from '../../components/progress-report';
import { ErrorState } from '../../components/state-views';
import { useInspection } from './image-inspection-context';
import type { ImageProgress } from './image-inspections';
import { useFamilyLabel, usePhaseLabel } from './labels';

/** The button that checks an image; it says when a check runs or has run. */
export function CheckImageButton({
  reference,
  download = false,
  small = false,
  testId = 'check-image',
}: {
  reference: string;
  /** A catalog entry: checking it downloads it first. */
  download?: boolean;
  small?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const { inspection, inspect } = useInspection(reference);
  const running = inspection?.status === 'running';
  const label = running
    ? t('image.checking')
    : inspection
      ? t('image.checkAgain')
      : download
        ? t('image.downloadAndCheck')
        : t('image.check');
  return (
    <button
      type="button"
      className={small ? 'small' : undefined}
      onClick={inspect}
      disabled={running}
      data-testid={testId}
    >
      {label}
    </button>
  );
}

/** A running image check's progress: its phase (or "preparing" before the first event). */
export function InspectionProgress({
  progress,
  testId,
}: {
  progress: ImageProgress | null;
  testId?: string;
}) {
  const { t } = useTranslation();
  const phaseLabel = usePhaseLabel();
  return (
    <ProgressReport
      phaseLabel={progress ? phaseLabel('image', progress.phase) : t('image.preparing')}
      sample={progress}
      testId={testId}
    />
  );
}

/** A check of one image as it stands: live progress, what was found, or why it cannot be used. */
export function InspectionView({ reference, name }: { reference: string; name: string }) {
  const { t } = useTranslation();
  const { inspection, inspect, cancel } = useInspection(reference);
  if (!inspection) return null;
  switch (inspection.status) {
    case 'running':
      return (
        <div className="inspection" data-testid="image-check" data-status="running">
          <InspectionProgress progress={inspection.progress} testId="image-progress" />
          <button type="button" className="small" onClick={cancel} data-testid="cancel-image-check">
            {t('image.cancelCheck')}
          </button>
        </div>
      );
    case 'failed':
      return (
        <div className="inspection" data-testid="image-check" data-status="failed">
          <ErrorState title={t('image.checkFailed')} error={inspection.message} onRetry={inspect} />
        </div>
      );
    case 'done':
      return <InspectionResult name={name} result={inspection.result} />;
  }
}

function InspectionResult({ name, result }: { name: string; result: InspectedImage }) {
  const { t } = useTranslation();
  const familyLabel = useFamilyLabel();
  return (
    <div
      className="inspection inspection-done"
      data-testid="image-check"
      data-status="done"
      data-family={result.family}
    >
      <h3>{t('image.resultHeading', { image: name })}</h3>
      <dl className="facts">
        <dt>{t('image.detectedFamily')}</dt>
        <dd>
          <span className="badge badge-ok" data-testid="detected-family">
            {familyLabel(result.family)}
          </span>
        </dd>
        <dt>{t('image.format')}</dt>
        <dd className="mono">{result.format}</dd>
        <dt>{t('image.size')}</dt>
        <dd data-testid="image-size" data-bytes={result.size}>
          {formatBytes(result.size)}
        </dd>
        <dt>{t(result.format === 'raw' ? 'image.sha256' : 'image.archiveSha256')}</dt>
        <dd className="mono break" data-testid="image-sha256">
          {result.fileSha256}
        </dd>
        {result.imageSha256 && (
          <>
            <dt>{t('image.imageSha256')}</dt>
            <dd className="mono break" data-testid="image-raw-sha256">
              {result.imageSha256}
            </dd>
          </>
        )}
        <dt>{t('image.cache')}</dt>
        <dd>{result.fromCache ? t('image.fromCache') : t('image.preparedNow')}</dd>
      </dl>
      {result.evidence.length > 0 && (
        <>
          <h4>{t('image.evidence')}</h4>
          <ul className="evidence" data-testid="image-evidence">
            {result.evidence.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
