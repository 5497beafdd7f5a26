import { useTranslation } from 'react-i18next';

import { formatBytes } from '../../../../common/format-bytes';
import { ProgressReport } from '../../components/progress-report';
import { useFamilyLabel, usePhaseLabel } from '../image/labels';
import { useFlash } from './flash-context';
import { type FlashJob, isActive } from './flash-jobs';

/** Every card this window follows, newest last, each with its own progress and outcome. */
export function JobList({ clusterPath }: { clusterPath: string | null }) {
  const { t } = useTranslation();
  const { jobs } = useFlash();
  if (jobs.length === 0) return null;
  return (
    <section className="card" aria-labelledby="flash-jobs-heading" data-testid="flash-jobs">
      <h2 id="flash-jobs-heading">{t('flash.jobsHeading')}</h2>
      <div className="job-list">
        {jobs.map((job) => (
          <JobCard key={job.key} job={job} retryPath={job.clusterPath ?? clusterPath} />
        ))}
      </div>
    </section>
  );
}

const statusClass: Record<FlashJob['status'], string> = {
  starting: 'job-active',
  running: 'job-active',
  cancelling: 'job-active',
  succeeded: 'job-succeeded',
  failed: 'job-failed',
};

function JobCard({ job, retryPath }: { job: FlashJob; retryPath: string | null }) {
  const { t } = useTranslation();
  return (
    <article
      className={`job-card ${statusClass[job.status]}`}
      data-testid="flash-job"
      data-hostname={job.hostname}
      data-device={job.device}
      data-status={job.status}
      data-phase={job.progress?.phase ?? ''}
      aria-label={t('flash.jobTitle', { hostname: job.hostname, device: job.device })}
    >
      <header className="job-header">
        <strong>{job.hostname}</strong>
        <span className="hint">→</span>
        <span className="mono">{job.device}</span>
      </header>
      {isActive(job) ? (
        <ActiveJob job={job} />
      ) : job.status === 'succeeded' ? (
        <SucceededJob job={job} />
      ) : (
        <FailedJob job={job} retryPath={retryPath} />
      )}
    </article>
  );
}

function ActiveJob({ job }: { job: FlashJob }) {
  const { t } = useTranslation();
  const phaseLabel = usePhaseLabel();
  const { cancel } = useFlash();
  const { progress } = job;
  const label = progress
    ? phaseLabel(progress.step, progress.phase)
    : job.status === 'starting'
      ? t('flash.starting')
      : t('flash.preparing');
  return (
    <>
      <ProgressReport phaseLabel={label} sample={progress} testId="job-progress" />
      <div className="job-actions">
        <button
          type="button"
          className="small"
          onClick={() => cancel(job)}
          disabled={job.jobId === null || job.status === 'cancelling'}
          data-testid="cancel-flash"
        >
          {job.status === 'cancelling' ? t('flash.cancelling') : t('flash.cancelJob')}
        </button>
      </div>
    </>
  );
}

function SucceededJob({ job }: { job: FlashJob }) {
  const { t } = useTranslation();
  const familyLabel = useFamilyLabel();
  const { dismiss } = useFlash();
  return (
    <>
      <p className="job-outcome ok" role="status">
        ✓ {t('flash.succeeded')}
        {job.bytesWritten !== null && (
          <span className="hint">
            {' · '}
            {t('flash.succeededDetail', {
              family: familyLabel(job.family),
              bytes: formatBytes(job.bytesWritten),
            })}
          </span>
        )}
      </p>
      <p className="notice">
        {t(job.ejected ? 'flash.insertNext' : 'flash.removeThenInsertNext', {
          hostname: job.hostname,
        })}
      </p>
      <div className="job-actions">
        <button type="button" className="small" onClick={() => dismiss(job)}>
          {t('flash.dismiss')}
        </button>
      </div>
    </>
  );
}

function FailedJob({ job, retryPath }: { job: FlashJob; retryPath: string | null }) {
  const { t } = useTranslation();
  const { retry, dismiss } = useFlash();
  return (
    <>
      <p className="job-outcome failed">✕ {t('flash.failed')}</p>
      {job.error && (
        <p className="inline-error" role="alert" data-testid="flash-error">
          {job.error}
        </p>
      )}
      <div className="job-actions">
        {retryPath !== null && (
          <button
            type="button"
            className="small"
            onClick={() => retry(job, retryPath)}
            data-testid="retry-flash"
          >
            {t('flash.retry')}
          </button>
        )}
        <button type="button" className="small" onClick={() => dismiss(job)}>
          {t('flash.dismiss')}
        </button>
      </div>
    </>
  );
}
