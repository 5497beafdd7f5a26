import { type BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron';

import { ipcChannels } from '../../common/contract';
import type { ResultMessage } from '../../common/messages';
import type { Backend } from '../backend';
import { isAllowedNavigation } from './window-options';

/**
 * The one registrar: every call goes through the backend's dispatcher (which validates it),
 * and only from our own window showing our own page.
 */
export function registerIpc(backend: Backend, window: BrowserWindow, appUrl: string): () => void {
  const handle = async (event: IpcMainInvokeEvent, message: unknown): Promise<ResultMessage> => {
    const frameUrl = event.senderFrame?.url ?? '';
    if (event.sender !== window.webContents || !isAllowedNavigation(frameUrl, appUrl)) {
      return {
        type: 'result',
        id: -1,
        ok: false,
        error: { code: 'permission-denied', message: 'Call from an unknown sender refused' },
      };
    }
    return backend.dispatch(message);
  };
  ipcMain.handle(ipcChannels.call, handle);
  const unsubscribe = backend.events.subscribe((message) => {
    if (!window.isDestroyed()) window.webContents.send(ipcChannels.event, message);
  });
  return () => {
    ipcMain.removeHandler(ipcChannels.call);
    unsubscribe();
  };
}
