import { useCallback, useEffect, useReducer, useState } from 'react';

import { useApi } from '../../api/api-context';
import { healthReducer, initialHealthState } from './health-state';

export type WatchStatus =
  { status: 'loading' } | { status: 'ready' } | { status: 'error'; error: unknown };

/**
 * Follows the backend's health watch of the cluster while the panel is shown: asks for it (the
 * backend keeps one per cluster; HealthWatchKeeper keeps it running when the panel is closed)
 * and follows its views. Alerts are shown app-wide by HealthWatchKeeper. Rendered under
 * `key={path}`, so another cluster starts from a fresh state.
 */
export function useHealth(path: string) {
  const { api } = useApi();
  const [state, dispatch] = useReducer(healthReducer, initialHealthState);
  const [status, setStatus] = useState<WatchStatus>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    const offView = api.on('healthChanged', (view) => {
      if (view.path === path) dispatch({ type: 'view', view });
    });
    api.startHealthWatch({ path }).then(
      (view) => {
        if (!current) return;
        dispatch({ type: 'view', view });
        setStatus({ status: 'ready' });
      },
      (error: unknown) => current && setStatus({ status: 'error', error }),
    );
    return () => {
      current = false;
      offView();
    };
  }, [api, path, generation]);

  const retry = useCallback(() => {
    dispatch({ type: 'reset' });
    setStatus({ status: 'loading' });
    setGeneration((g) => g + 1);
  }, []);
  return { state, status, retry };
}
