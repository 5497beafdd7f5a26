import type { AppInfo } from '../common/app-info';
import type { SettingsPatch } from '../common/settings';
import { ClusterWorkspace, type PassphraseKeeper, type WorkspaceOptions } from './cluster';
import {
  createFlashEngine,
  defaultCacheDir,
  defaultMaxCacheBytes,
  DriveWatcher,
  FlashDesk,
  listDrives as listSystemDrives,
  type WriterCommand,
} from './flash';
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
  /** How to start the elevated writer process. */
  writer: WriterCommand;
  /** The image cache; defaults to the platform's cache folder. */
  cacheDir?: string;
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
  const cache = { dir: options.cacheDir ?? defaultCacheDir(), maxBytes: defaultMaxCacheBytes };
  const engine = createFlashEngine({
    workspace,
    writer: options.writer,
    cacheDir: cache.dir,
    maxCacheBytes: cache.maxBytes,
    listDrives: listSystemDrives,
  });
  const flash = new FlashDesk({
    service: engine.service,
    listDrives: listSystemDrives,
    catalogs: engine.catalogs,
    cache,
    allowLoop: () => settings.get().includeLoopDevices,
    events: {
      imageProgress: (event) => events.emit('imageProgress', event),
      flashProgress: (event) => events.emit('flashProgress', event),
      flashFinished: (event) => events.emit('flashFinished', event),
    },
  });
  const dispatch = createDispatcher(
    createHandlers({
      appInfo: options.appInfo,
      settings,
      workspace,
      flash,
      passphraseKeeper: options.passphraseKeeper,
      listDrives: listSystemDrives,
      pickClusterFile: options.pickClusterFile,
    }),
  );
  return {
    dispatch,
    events,
    workspace,
    stop: () => {
      watcher.stop();
      engine.close();
    },
  };
}
