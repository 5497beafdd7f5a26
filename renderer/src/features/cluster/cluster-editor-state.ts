import { type Cluster, validateCluster, type ValidationIssue } from '../../../../common/cluster';
import type { ClusterView } from '../../../../common/cluster-view';
import { sameData } from './same-data';

/**
 * The open cluster as the renderer holds it: the view the Node side last returned, the edited
 * (unsaved) plan, an undo history and the plan's live validation. Every change goes through
 * `clusterEditorReducer`, a pure function, so it can be tested without a browser.
 */
export type ClusterEditorState =
  | { status: 'closed' }
  /** Reopening the cluster of the last session. */
  | { status: 'opening'; path: string }
  | { status: 'failed'; path: string; error: unknown }
  | OpenCluster;

export interface OpenCluster {
  status: 'open';
  view: ClusterView;
  edited: Cluster;
  /** Earlier versions of `edited`, the most recent last. */
  history: Cluster[];
  /** The field of the last edit: more typing in the same field is one undoable change. */
  lastEditKey: string | null;
  /** A node-table operation that refused the last edit (e.g. a hostname that is taken). */
  editError: EditError | null;
  dirty: boolean;
  issues: ValidationIssue[];
}

export interface EditError {
  key: string | null;
  message: string;
}

/** A pure change of the plan; it may throw to refuse (node-table operations do). */
export type PlanChange = (cluster: Cluster) => Cluster;

export type ClusterEditorAction =
  | { type: 'opening'; path: string }
  | { type: 'openFailed'; path: string; error: unknown }
  /** A cluster was opened or created: everything starts afresh. */
  | { type: 'opened'; view: ClusterView }
  /** The plan `sent` was saved; edits made while saving stay. */
  | { type: 'saved'; view: ClusterView; sent: Cluster }
  /** New state or secrets status (unlock, lock, mark for rebuild); unsaved edits stay. */
  | { type: 'viewRefreshed'; view: ClusterView }
  | { type: 'edit'; change: PlanChange; key?: string }
  | { type: 'undo' }
  | { type: 'revert' }
  | { type: 'closed' };

export const maxUndoSteps = 100;

export function initialEditorState(storedPath: string | null): ClusterEditorState {
  return storedPath ? { status: 'opening', path: storedPath } : { status: 'closed' };
}

export function clusterEditorReducer(
  state: ClusterEditorState,
  action: ClusterEditorAction,
): ClusterEditorState {
  switch (action.type) {
    case 'opening':
      return { status: 'opening', path: action.path };
    case 'openFailed':
      return { status: 'failed', path: action.path, error: action.error };
    case 'opened':
      return withEdited(action.view, action.view.cluster, [], null, null);
    case 'closed':
      return { status: 'closed' };
  }
  if (state.status !== 'open') return state;
  switch (action.type) {
    case 'saved': {
      const unchanged = state.edited === action.sent;
      const edited = unchanged ? action.view.cluster : state.edited;
      return withEdited(action.view, edited, state.history, null, null);
    }
    case 'viewRefreshed': {
      const edited = state.dirty ? state.edited : action.view.cluster;
      return withEdited(action.view, edited, state.history, state.lastEditKey, state.editError);
    }
    case 'edit':
      return applyEdit(state, action.change, action.key ?? null);
    case 'undo': {
      const previous = state.history.at(-1);
      if (!previous) return state;
      return withEdited(state.view, previous, state.history.slice(0, -1), null, null);
    }
    case 'revert':
      if (!state.dirty) return state;
      return withEdited(
        state.view,
        state.view.cluster,
        pushed(state.history, state.edited),
        null,
        null,
      );
  }
}

function applyEdit(state: OpenCluster, change: PlanChange, key: string | null): OpenCluster {
  let next: Cluster;
  try {
    next = change(state.edited);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ...state, editError: { key, message } };
  }
  if (next === state.edited || sameData(next, state.edited))
    return state.editError ? { ...state, editError: null } : state;
  const continuesLastEdit = key !== null && key === state.lastEditKey;
  const history = continuesLastEdit ? state.history : pushed(state.history, state.edited);
  return withEdited(state.view, next, history, key, null);
}

function pushed(history: Cluster[], cluster: Cluster): Cluster[] {
  return [...history, cluster].slice(-maxUndoSteps);
}

function withEdited(
  view: ClusterView,
  edited: Cluster,
  history: Cluster[],
  lastEditKey: string | null,
  editError: EditError | null,
): OpenCluster {
  return {
    status: 'open',
    view,
    edited,
    history,
    lastEditKey,
    editError,
    dirty: !sameData(edited, view.cluster),
    issues: planIssues(edited, view),
  };
}

/**
 * Validation of the edited plan, live in the browser. Issues only the Node side can know
 * (`secrets.*`, e.g. the Wi-Fi passphrase in the locked secrets file) come from the last view.
 */
export function planIssues(edited: Cluster, view: ClusterView): ValidationIssue[] {
  const fromSecrets = view.issues.filter((issue) => issue.path.startsWith('secrets.'));
  return [...validateCluster(edited), ...fromSecrets];
}

export function canUndo(state: ClusterEditorState): boolean {
  return state.status === 'open' && state.history.length > 0;
}
