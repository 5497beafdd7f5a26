/**
 * A file dropped onto the window, on its way to being an image path the Node side can read: the
 * desktop app asks the preload for its path; a browser uploads it to the server first.
 */
export type DroppedFile = { id: number; name: string; size: number } & (
  | { status: 'uploading'; sent: number }
  | { status: 'ready'; path: string; uploaded: boolean }
  | { status: 'no-path' }
  | { status: 'failed'; reason: { kind: 'refused'; message: string } | { kind: 'connection-lost' } }
);

export type DroppedFileAction =
  | {
      type: 'dropped';
      id: number;
      name: string;
      size: number;
      path: string | null;
      upload: boolean;
    }
  | { type: 'upload-progress'; id: number; sent: number }
  | { type: 'uploaded'; id: number; path: string }
  | {
      type: 'upload-failed';
      id: number;
      reason: Extract<DroppedFile, { status: 'failed' }>['reason'];
    }
  | { type: 'forget' };

/** Only the latest drop counts: news of an earlier one (a late upload answer) is ignored. */
export function droppedFileReducer(
  state: DroppedFile | null,
  action: DroppedFileAction,
): DroppedFile | null {
  if (action.type === 'forget') return null;
  if (action.type === 'dropped') {
    const file = { id: action.id, name: action.name, size: action.size };
    if (action.path) return { ...file, status: 'ready', path: action.path, uploaded: false };
    return action.upload
      ? { ...file, status: 'uploading', sent: 0 }
      : { ...file, status: 'no-path' };
  }
  if (state === null || state.id !== action.id || state.status !== 'uploading') return state;
  switch (action.type) {
    case 'upload-progress':
      return { ...state, sent: Math.min(action.sent, state.size) };
    case 'uploaded':
      return {
        id: state.id,
        name: state.name,
        size: state.size,
        status: 'ready',
        path: action.path,
        uploaded: true,
      };
    case 'upload-failed':
      return {
        id: state.id,
        name: state.name,
        size: state.size,
        status: 'failed',
        reason: action.reason,
      };
  }
}
