import { useCallback, useEffect, useMemo, useReducer } from 'react';

import type { ClusterView } from '../../../../common/cluster-view';
import type { CallParams, KubeflashApi } from '../../../../common/contract';
import {
  clusterEditorReducer,
  type ClusterEditorState,
  initialEditorState,
  type PlanChange,
} from './cluster-editor-state';
import { forgetOpenPath, readOpenPath, rememberOpenPath } from './open-path-storage';

/** The open cluster and everything the UI does to it. Errors of the async calls are thrown to
 * the caller, which shows them where the user acted. */
export interface ClusterStore {
  state: ClusterEditorState;
  open(path: string): Promise<ClusterView>;
  create(request: CallParams<'createCluster'>): Promise<ClusterView>;
  /** Try again to reopen the last session's cluster after it failed. */
  retryReopen(): void;
  close(): void;
  edit(change: PlanChange, key?: string): void;
  undo(): void;
  revert(): void;
  save(): Promise<ClusterView>;
  /** Save the edited plan under another path; the open cluster stays the open one. */
  exportTo(path: string): Promise<ClusterView>;
  /** A view returned by a call that changed state or secrets (unlock, lock, rebuild). */
  refresh(view: ClusterView): void;
}

export function useClusterStore(api: KubeflashApi): ClusterStore {
  const [state, dispatch] = useReducer(clusterEditorReducer, null, () =>
    initialEditorState(readOpenPath()),
  );

  // Whenever the state says "opening" (start-up with a remembered path, or a retry), open it.
  const reopening = state.status === 'opening' ? state.path : null;
  useEffect(() => {
    if (reopening === null) return;
    let current = true;
    api.openCluster({ path: reopening }).then(
      (view) => current && dispatch({ type: 'opened', view }),
      (error: unknown) => current && dispatch({ type: 'openFailed', path: reopening, error }),
    );
    return () => {
      current = false;
    };
  }, [api, reopening]);

  const opened = useCallback((view: ClusterView) => {
    rememberOpenPath(view.path);
    dispatch({ type: 'opened', view });
    return view;
  }, []);

  return useMemo<ClusterStore>(
    () => ({
      state,
      open: async (path) => opened(await api.openCluster({ path })),
      create: async (request) => opened(await api.createCluster(request)),
      retryReopen: () => {
        if (state.status === 'failed') dispatch({ type: 'opening', path: state.path });
      },
      close: () => {
        forgetOpenPath();
        dispatch({ type: 'closed' });
      },
      edit: (change, key) => dispatch({ type: 'edit', change, key }),
      undo: () => dispatch({ type: 'undo' }),
      revert: () => dispatch({ type: 'revert' }),
      save: async () => {
        if (state.status !== 'open') throw new Error('No cluster is open');
        const sent = state.edited;
        const view = await api.saveCluster({ path: state.view.path, cluster: sent });
        dispatch({ type: 'saved', view, sent });
        return view;
      },
      exportTo: async (path) => {
        if (state.status !== 'open') throw new Error('No cluster is open');
        return api.saveCluster({ path, cluster: state.edited });
      },
      refresh: (view) => dispatch({ type: 'viewRefreshed', view }),
    }),
    [api, state, opened],
  );
}
