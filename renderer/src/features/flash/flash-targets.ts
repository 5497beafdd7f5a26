import type { Drive } from '../../../../common/drives';
import type { FlashTarget } from '../../../../common/flash';
import { compareDevices, type DriveEvent } from './drives-state';
import { activeJobOn, type FlashJob } from './flash-jobs';

export type Refusal = FlashTarget['refusals'][number];

/** One drive in the Flash panel's list: what the Node side says about it, or "still checking". */
export interface TargetRow {
  drive: Drive;
  refusals: Refusal[];
  /** Seen in a hot-plug event; its refusals come with the next listing. */
  checking: boolean;
}

export type TargetEvent = DriveEvent | { type: 'listed'; targets: readonly FlashTarget[] };

/**
 * The target list after a listing (flashTargets) or a hot-plug event. An attached drive shows
 * at once, marked as being checked, until the listing that follows every event replaces it.
 */
export function applyTargetEvent(rows: readonly TargetRow[], event: TargetEvent): TargetRow[] {
  if (event.type === 'listed') {
    return sortRows(event.targets.map((t) => ({ ...t, checking: false })));
  }
  const device = event.type === 'attached' ? event.drive.device : event.device;
  const others = rows.filter((row) => row.drive.device !== device);
  if (event.type === 'detached') return others;
  return sortRows([...others, { drive: event.drive, refusals: [], checking: true }]);
}

function sortRows(rows: TargetRow[]): TargetRow[] {
  return rows.sort((a, b) => compareDevices(a.drive.device, b.drive.device));
}

export type TargetsState =
  | { status: 'loading' }
  | { status: 'ready'; rows: TargetRow[] }
  | { status: 'error'; error: unknown };

export type TargetsAction =
  TargetEvent | { type: 'failed'; error: unknown } | { type: 'reloading' };

/** The list as a panel holds it: loading, the rows, or why the first listing failed. */
export function targetsReducer(state: TargetsState, action: TargetsAction): TargetsState {
  switch (action.type) {
    case 'reloading':
      return { status: 'loading' };
    case 'failed':
      // A failed re-listing keeps the rows the user is looking at; a first listing shows the error.
      return state.status === 'ready' ? state : { status: 'error', error: action.error };
    case 'listed':
      return { status: 'ready', rows: applyTargetEvent([], action) };
    default:
      return state.status === 'ready'
        ? { status: 'ready', rows: applyTargetEvent(state.rows, action) }
        : state;
  }
}

/** Whether a drive can be chosen now, and if not, why. */
export type TargetAvailability =
  | { kind: 'eligible' }
  | { kind: 'checking' }
  | { kind: 'refused'; refusals: Refusal[] }
  | { kind: 'busy'; job: FlashJob };

export function targetAvailability(row: TargetRow, jobs: readonly FlashJob[]): TargetAvailability {
  const job = activeJobOn(jobs, row.drive.device);
  if (job) return { kind: 'busy', job };
  if (row.checking) return { kind: 'checking' };
  if (row.refusals.length > 0) return { kind: 'refused', refusals: row.refusals };
  return { kind: 'eligible' };
}

/** The chosen drive while it can still be written; otherwise no choice (it left, or is busy). */
export function effectiveSelection(
  selected: string | null,
  rows: readonly TargetRow[],
  jobs: readonly FlashJob[],
): TargetRow | null {
  if (selected === null) return null;
  const row = rows.find((r) => r.drive.device === selected);
  return row && targetAvailability(row, jobs).kind === 'eligible' ? row : null;
}
