import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';

import { bridgeGlobalName } from '../../../common/bridge';
import type { KubeflashApi } from '../../../common/contract';
import { createApi } from './create-api';
import { ipcTransport } from './ipc-transport';
import { webSocketTransport } from './ws-transport';

interface ApiState {
  api: KubeflashApi;
  /** False while the web server's socket is down (always true in the desktop app). */
  connected: boolean;
}

const ApiContext = createContext<ApiState | null>(null);

export function ApiProvider({ children }: { children: ReactNode }) {
  const [connected, setConnected] = useState(true);
  const api = useMemo(() => {
    const bridge = (window as unknown as Record<string, unknown>)[bridgeGlobalName];
    const transport = bridge
      ? ipcTransport(bridge as Parameters<typeof ipcTransport>[0])
      : webSocketTransport(setConnected);
    return createApi(transport);
  }, []);
  const value = useMemo(() => ({ api, connected }), [api, connected]);
  return <ApiContext.Provider value={value}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiState {
  const state = useContext(ApiContext);
  if (!state) throw new Error('useApi outside ApiProvider');
  return state;
}
