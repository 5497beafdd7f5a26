import { useCallback, useEffect, useReducer, useState } from 'react';

import type { FlashTarget } from '../../../../common/flash';
import { useApi } from '../../api/api-context';
import { targetsReducer, type TargetsState } from './flash-targets';

/**
 * Every drive with the reasons it may not be written (flashTargets), kept current: a hot-plug
 * event shows the drive at once and asks the Node side again. `imageSize`, when known, adds the
 * "card too small" check.
 */
export function useFlashTargets(imageSize: number | undefined): [TargetsState, () => void] {
  const { api, connected } = useApi();
  const [state, dispatch] = useReducer(targetsReducer, { status: 'loading' });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    let latest = 0;
    const list = () => {
      const asked = ++latest;
      const fresh = () => current && asked === latest;
      api.flashTargets(imageSize === undefined ? {} : { imageSize }).then(
        (targets: FlashTarget[]) => fresh() && dispatch({ type: 'listed', targets }),
        (error: unknown) => fresh() && dispatch({ type: 'failed', error }),
      );
    };
    const offAttached = api.on('driveAttached', (drive) => {
      dispatch({ type: 'attached', drive });
      list();
    });
    const offDetached = api.on('driveDetached', ({ device }) => {
      dispatch({ type: 'detached', device });
      list();
    });
    list();
    return () => {
      current = false;
      offAttached();
      offDetached();
    };
    // A reconnect lists again: events sent while the socket was down are lost.
  }, [api, connected, imageSize, generation]);

  const reload = useCallback(() => {
    dispatch({ type: 'reloading' });
    setGeneration((g) => g + 1);
  }, []);
  return [state, reload];
}
