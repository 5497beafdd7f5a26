import { useCallback, useEffect, useState } from 'react';

import type { Drive } from '../../../../common/drives';
import { useApi } from '../../api/api-context';
import { type AsyncState } from '../../components/use-async';
import { applyDriveEvent, sortDrives } from './drives-state';

/** The live drive list: listed once, then kept current by attach/detach events. */
export function useDrives(): [AsyncState<Drive[]>, () => void] {
  const { api, connected } = useApi();
  const [state, setState] = useState<AsyncState<Drive[]>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    const update = (event: Parameters<typeof applyDriveEvent>[1]) =>
      setState((s) =>
        s.status === 'ready' ? { status: 'ready', data: applyDriveEvent(s.data, event) } : s,
      );
    const offAttached = api.on('driveAttached', (drive) => update({ type: 'attached', drive }));
    const offDetached = api.on('driveDetached', ({ device }) =>
      update({ type: 'detached', device }),
    );
    api.listDrives({}).then(
      (drives) =>
        current &&
        setState({
          status: 'ready',
          data: sortDrives(drives),
        }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
      offAttached();
      offDetached();
    };
    // A reconnect re-lists: events sent while the socket was down are lost.
  }, [api, connected, generation]);

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    setGeneration((g) => g + 1);
  }, []);
  return [state, reload];
}
