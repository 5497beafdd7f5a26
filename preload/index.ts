import { contextBridge, ipcRenderer, webUtils } from 'electron';

import type { Bridge } from '../common/bridge';
import { bridgeGlobalName } from '../common/bridge';
import { callNames, ipcChannels } from '../common/contract';
import type { EventMessage, ResultMessage } from '../common/messages';

// Narrow named methods only: the page never sees ipcRenderer.
let nextId = 0;
const methods = Object.fromEntries(
  callNames.map((method) => [
    method,
    (params: unknown): Promise<ResultMessage> =>
      ipcRenderer.invoke(ipcChannels.call, { type: 'call', id: nextId++, method, params }),
  ]),
);

const bridge = {
  ...methods,
  onEvent(listener: (message: EventMessage) => void) {
    const wrapped = (_event: unknown, message: EventMessage) => listener(message);
    ipcRenderer.on(ipcChannels.event, wrapped);
    return () => {
      ipcRenderer.removeListener(ipcChannels.event, wrapped);
    };
  },
  // The renderer is sandboxed and File.path is gone: only the preload can ask for a path.
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} as Bridge;

contextBridge.exposeInMainWorld(bridgeGlobalName, bridge);
