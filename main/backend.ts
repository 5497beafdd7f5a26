import type { AppInfo } from '../common/app-info';
import type { SettingsPatch } from '../common/settings';
import { ClusterWorkspace, type PassphraseKeeper, type WorkspaceOptions } from './cluster';
import { DriveWatcher, listDrives as listSystemDrives } from './flash';
import { createDispatcher, createHandlers, type Dispatch, EventHub } from './rpc';
import { SettingsStore } from './settings';

export interface BackendOptions {
  appInfo: AppInfo;
  /** Where settings.json lives; null keeps settings in memory. */
  configDir: string | null;
  settingsOverrides?: SettingsPatch;
  pickClusterFile?: (purpose: 'open' | 'save') => Promise<string | null>;
  driveListIntervalMs?: number;
  passphraseKeeper?: PassphraseKeeper;
  workspace?: WorkspaceOptions;
  log?: (message: string) => void;
}

export interface Backend {
  dispatch: Dispatch;
  workspace: ClusterWorkspace;
  events: EventHub;
  stop(): void;
}

/** The composition root shared by the Electron shell and the web server. */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const settings = await SettingsStore.open(options.configDir, options.settingsOverrides);
  const events = new EventHub();
  const workspace = new ClusterWorkspace(options.workspace);
  const listDrives = () => listSystemDrives({ includeLoop: settings.get().includeLoopDevices });
  const watcher = new DriveWatcher({
    list: listDrives,
    intervalMs: options.driveListIntervalMs,
    onChange: ({ attached, detached }) => {
      for (const device of detached) events.emit('driveDetached', { device });
      for (const drive of attached) events.emit('driveAttached', drive);
    },
    onError: (error) =>
      options.log?.(`drive list failed: ${error instanceof Error ? error.message : error}`),
  });
  watcher.start();
  const dispatch = createDispatcher(
    createHandlers({
      appInfo: options.appInfo,
      settings,
      workspace,
      passphraseKeeper: options.passphraseKeeper,
      listDrives: listSystemDrives,
      pickClusterFile: options.pickClusterFile,
    }),
  );
  return { dispatch, events, workspace, stop: () => watcher.stop() };
}
