import { FlashFinishedEvent, FlashProgressEvent } from '../../common/flash';
import type { EventMessage } from '../../common/messages';

/** What the taskbar (dock, launcher) shows for the cards being written. */
export type TaskbarProgress =
  { mode: 'none' } | { mode: 'indeterminate' } | { mode: 'fraction'; fraction: number };

/**
 * The aggregate progress of every running flash job, from their events: each job counts alike,
 * writing is its first half and verifying its second (so the bar never runs backwards between
 * the two); a job that has not started writing counts as 0. No job running: no bar.
 */
export class FlashProgressTally {
  readonly #jobs = new Map<string, number | null>();

  progress(event: FlashProgressEvent): TaskbarProgress {
    const known = this.#jobs.get(event.jobId) ?? null;
    this.#jobs.set(event.jobId, jobFraction(event) ?? known);
    return this.current();
  }

  finished(event: FlashFinishedEvent): TaskbarProgress {
    this.#jobs.delete(event.jobId);
    return this.current();
  }

  /** Any event of the backend's hub: the flash ones change the bar; others answer null. */
  event(message: EventMessage): TaskbarProgress | null {
    if (message.event === 'flashProgress') {
      const parsed = FlashProgressEvent.safeParse(message.payload);
      return parsed.success ? this.progress(parsed.data) : null;
    }
    if (message.event === 'flashFinished') {
      const parsed = FlashFinishedEvent.safeParse(message.payload);
      return parsed.success ? this.finished(parsed.data) : null;
    }
    return null;
  }

  current(): TaskbarProgress {
    if (this.#jobs.size === 0) return { mode: 'none' };
    const fractions = [...this.#jobs.values()];
    if (fractions.every((f) => f === null)) return { mode: 'indeterminate' };
    const sum = fractions.reduce<number>((total, f) => total + (f ?? 0), 0);
    return { mode: 'fraction', fraction: sum / fractions.length };
  }
}

function jobFraction(event: FlashProgressEvent): number | null {
  if (event.step !== 'card' || event.total === null || event.total <= 0) return null;
  const done = Math.min(1, Math.max(0, event.bytes / event.total));
  if (event.phase === 'writing') return done / 2;
  if (event.phase === 'verifying') return 0.5 + done / 2;
  return null;
}

/** Electron's setProgressBar value: below 0 removes the bar, above 1 is indeterminate. */
export function progressBarValue(progress: TaskbarProgress): number {
  if (progress.mode === 'none') return -1;
  if (progress.mode === 'indeterminate') return 2;
  return progress.fraction;
}
