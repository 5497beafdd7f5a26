import type { EventPayload } from '../../../../common/contract';
import type { InspectedImage } from '../../../../common/flash';

export type ImageProgress = Omit<EventPayload<'imageProgress'>, 'reference'>;

/** One image check (inspectImage) as the UI shows it, by the reference that was checked. */
export type Inspection =
  | { status: 'running'; progress: ImageProgress | null }
  | { status: 'done'; result: InspectedImage }
  | { status: 'failed'; message: string };

export type Inspections = Readonly<Record<string, Inspection>>;

export type InspectionAction =
  | { type: 'started'; reference: string }
  | { type: 'progress'; event: EventPayload<'imageProgress'> }
  | { type: 'succeeded'; reference: string; result: InspectedImage }
  | { type: 'failed'; reference: string; message: string }
  /** The user stopped it: it is forgotten, as if never started. */
  | { type: 'cancelled'; reference: string };

export function inspectionsReducer(state: Inspections, action: InspectionAction): Inspections {
  switch (action.type) {
    case 'started':
      return { ...state, [action.reference]: { status: 'running', progress: null } };
    case 'progress': {
      const { reference, ...progress } = action.event;
      // Only checks this window runs: the answer of another window's check never comes here.
      if (state[reference]?.status !== 'running') return state;
      return { ...state, [reference]: { status: 'running', progress } };
    }
    case 'succeeded':
      return { ...state, [action.reference]: { status: 'done', result: action.result } };
    case 'failed':
      return { ...state, [action.reference]: { status: 'failed', message: action.message } };
    case 'cancelled': {
      const { [action.reference]: _cancelled, ...rest } = state;
      return rest;
    }
  }
}

/** The raw size of an image, when a finished check knows it (for the "too small" card check). */
export function checkedImageSize(
  inspections: Inspections,
  reference: string | null,
): number | undefined {
  const inspection = reference === null ? undefined : inspections[reference];
  return inspection?.status === 'done' ? inspection.result.size : undefined;
}
