import type {
  FlashFinishedEvent,
  FlashJobView,
  FlashProgressEvent,
} from '../../../../common/flash';

/**
 * Flash jobs as the Flash panel shows them: one per card being written, each bound to its node
 * and its drive, updated by a pure reducer from the user's requests and the Node side's events.
 */
export type FlashJobStatus = 'starting' | 'running' | 'cancelling' | 'succeeded' | 'failed';

export type JobProgress = Omit<FlashProgressEvent, 'jobId' | 'hostname' | 'device'>;

export interface FlashJob {
  /** This window's id for the job: its request's id, or the Node side's id for jobs seen only
   * through events (started by another window). */
  key: string;
  /** The Node side's id, once flashNode answered (or an event named it). */
  jobId: string | null;
  hostname: string;
  device: string;
  /** The cluster file the job writes a node of, when this window started it. */
  clusterPath: string | null;
  status: FlashJobStatus;
  progress: JobProgress | null;
  family: string | null;
  bytesWritten: number | null;
  /** The card was ejected; when not, the user removes it once the job is done. */
  ejected: boolean;
  error: string | null;
}

export type FlashJobAction =
  | { type: 'requested'; key: string; hostname: string; device: string; clusterPath: string }
  | { type: 'started'; key: string; jobId: string }
  | { type: 'startFailed'; key: string; message: string }
  | { type: 'progress'; event: FlashProgressEvent }
  | { type: 'finished'; event: FlashFinishedEvent }
  | { type: 'listed'; jobs: readonly FlashJobView[] }
  | { type: 'cancelling'; key: string }
  | { type: 'dismissed'; key: string };

export function isActive(job: FlashJob): boolean {
  return job.status === 'starting' || job.status === 'running' || job.status === 'cancelling';
}

export function flashJobsReducer(jobs: readonly FlashJob[], action: FlashJobAction): FlashJob[] {
  switch (action.type) {
    case 'requested':
      return [
        ...jobs,
        {
          key: action.key,
          jobId: null,
          hostname: action.hostname,
          device: action.device,
          clusterPath: action.clusterPath,
          status: 'starting',
          progress: null,
          family: null,
          bytesWritten: null,
          ejected: false,
          error: null,
        },
      ];
    case 'started':
      return adoptJobId(jobs, action.key, action.jobId);
    case 'startFailed':
      return update(jobs, (job) => job.key === action.key, {
        status: 'failed',
        error: action.message,
      });
    case 'progress':
      return upsertFromEvent(jobs, action.event, (job) =>
        isActive(job)
          ? {
              ...job,
              status: job.status === 'cancelling' ? 'cancelling' : 'running',
              progress: progressOf(action.event),
            }
          : job,
      );
    case 'finished': {
      const { event } = action;
      return upsertFromEvent(jobs, event, (job) => ({
        ...job,
        status: event.ok ? 'succeeded' : 'failed',
        family: event.family,
        bytesWritten: event.bytesWritten,
        ejected: event.ejected ?? false,
        error: event.ok ? null : (event.error?.message ?? null),
      }));
    }
    case 'listed':
      return action.jobs.reduce(mergeListed, [...jobs]);
    case 'cancelling':
      return update(jobs, (job) => job.key === action.key && isActive(job), {
        status: 'cancelling',
      });
    case 'dismissed':
      return jobs.filter((job) => job.key !== action.key || isActive(job));
  }
}

/** The job writing `device` now, if any. */
export function activeJobOn(jobs: readonly FlashJob[], device: string): FlashJob | undefined {
  return jobs.find((job) => job.device === device && isActive(job));
}

/** Nodes whose card is being written now: "the next node" is another one. */
export function busyHostnames(jobs: readonly FlashJob[]): Set<string> {
  return new Set(jobs.filter(isActive).map((job) => job.hostname));
}

/** The node of the card done last, while its job is still shown ("insert the next card"). */
export function lastFlashedHostname(jobs: readonly FlashJob[]): string | null {
  return jobs.findLast((job) => job.status === 'succeeded')?.hostname ?? null;
}

function progressOf(event: FlashProgressEvent): JobProgress {
  const { jobId: _jobId, hostname: _hostname, device: _device, ...progress } = event;
  return progress;
}

function update(
  jobs: readonly FlashJob[],
  matches: (job: FlashJob) => boolean,
  patch: Partial<FlashJob>,
): FlashJob[] {
  return jobs.map((job) => (matches(job) ? { ...job, ...patch } : job));
}

/**
 * Apply an event to its job. Events can outrun flashNode's answer, and other windows start jobs
 * too: an event for a job not known yet adds it, keyed by the Node side's id.
 */
function upsertFromEvent(
  jobs: readonly FlashJob[],
  event: FlashProgressEvent | FlashFinishedEvent,
  change: (job: FlashJob) => FlashJob,
): FlashJob[] {
  if (jobs.some((job) => job.jobId === event.jobId)) {
    return jobs.map((job) => (job.jobId === event.jobId ? change(job) : job));
  }
  const seen: FlashJob = {
    key: event.jobId,
    jobId: event.jobId,
    hostname: event.hostname,
    device: event.device,
    clusterPath: null,
    status: 'running',
    progress: null,
    family: null,
    bytesWritten: null,
    ejected: false,
    error: null,
  };
  return [...jobs, change(seen)];
}

/**
 * A job as listFlashJobs tells it (after a reload, or one another window started), replayed as
 * its events: whatever this window already saw of it wins where it is newer (a finished job is
 * never made running again), and the job keeps its cluster file for the reload when it ends.
 */
function mergeListed(jobs: FlashJob[], listed: FlashJobView): FlashJob[] {
  const who = { jobId: listed.jobId, hostname: listed.hostname, device: listed.device };
  let merged = listed.progress
    ? flashJobsReducer(jobs, { type: 'progress', event: { ...who, ...listed.progress } })
    : upsertFromEvent(jobs, { ...who, ...runningStub }, (job) => job);
  if (listed.finished) {
    merged = flashJobsReducer(merged, { type: 'finished', event: { ...who, ...listed.finished } });
  }
  return merged.map((job) =>
    job.jobId === listed.jobId && job.clusterPath === null
      ? { ...job, clusterPath: listed.clusterPath }
      : job,
  );
}

/** The fields of a progress event that say nothing yet (a job listed before its first one). */
const runningStub = {
  step: 'image',
  phase: 'starting',
  bytes: 0,
  total: null,
  bytesPerSecond: 0,
  etaSeconds: null,
} as const;

/** flashNode answered: the request's job takes the id, and whatever events already said of it. */
function adoptJobId(jobs: readonly FlashJob[], key: string, jobId: string): FlashJob[] {
  const early = jobs.find((job) => job.jobId === jobId && job.key !== key);
  return jobs
    .filter((job) => job !== early)
    .map((job) => {
      if (job.key !== key) return job;
      if (!early)
        return { ...job, jobId, status: job.status === 'starting' ? 'running' : job.status };
      const status = job.status === 'cancelling' && isActive(early) ? 'cancelling' : early.status;
      return {
        ...job,
        jobId,
        status,
        progress: early.progress,
        family: early.family,
        bytesWritten: early.bytesWritten,
        error: early.error,
      };
    });
}
