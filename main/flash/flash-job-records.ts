import type { FlashFinishedEvent, FlashJobView, FlashProgressEvent } from '../../common/flash';

/** How many finished jobs are remembered for a reload; older ones are dropped first. */
const keptFinished = 20;

/**
 * What the Node side remembers of its flash jobs, so a page that reloads (web mode) or a second
 * window can show the cards in progress and the latest results, not only the events it saw.
 */
export class FlashJobRecords {
  readonly #jobs = new Map<string, FlashJobView>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  started(job: { jobId: string; hostname: string; device: string; clusterPath: string }): void {
    this.#jobs.set(job.jobId, {
      ...job,
      startedAt: this.now().toISOString(),
      progress: null,
      finished: null,
    });
  }

  progress(event: FlashProgressEvent): void {
    const job = this.#jobs.get(event.jobId);
    if (!job || job.finished) return;
    const { jobId: _jobId, hostname: _hostname, device: _device, ...progress } = event;
    this.#jobs.set(event.jobId, { ...job, progress });
  }

  finished(event: FlashFinishedEvent): void {
    const job = this.#jobs.get(event.jobId);
    if (!job) return;
    const { jobId: _jobId, hostname: _hostname, device: _device, ...finished } = event;
    this.#jobs.set(event.jobId, { ...job, finished });
    this.#forgetOldest();
  }

  /** Oldest first, as they were started. */
  list(): FlashJobView[] {
    return [...this.#jobs.values()];
  }

  #forgetOldest(): void {
    const finished = this.list().filter((job) => job.finished !== null);
    for (const job of finished.slice(0, Math.max(0, finished.length - keptFinished))) {
      this.#jobs.delete(job.jobId);
    }
  }
}
