import type { AppInfo } from '../../common/app-info';
import type { Handlers } from '../../common/contract';
import type { Drive } from '../../common/drives';
import { KubeflashError } from '../../common/errors';
import { openClusterFile, saveClusterFile } from '../cluster';
import type { ListDrivesOptions } from '../flash';
import type { SettingsStore } from '../settings';

export interface HandlerDeps {
  appInfo: AppInfo;
  settings: SettingsStore;
  listDrives: (options: ListDrivesOptions) => Promise<Drive[]>;
  /** Native file dialog, where the host has one (Electron). */
  pickClusterFile?: (purpose: 'open' | 'save') => Promise<string | null>;
}

/** The same handlers serve Electron IPC and the web server. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    appInfo: async () => deps.appInfo,
    listDrives: async () =>
      deps.listDrives({ includeLoop: deps.settings.get().includeLoopDevices }),
    getSettings: async () => deps.settings.get(),
    updateSettings: async (patch) => deps.settings.update(patch),
    openClusterFile: async ({ path }) => openClusterFile(path),
    saveClusterFile: async ({ path, document }) => saveClusterFile(path, document),
    pickClusterFile: async ({ purpose }) => {
      if (!deps.pickClusterFile) {
        throw new KubeflashError(
          'unavailable',
          'File dialogs exist only in the desktop app: type the file path instead.',
        );
      }
      return { path: await deps.pickClusterFile(purpose) };
    },
  };
}
