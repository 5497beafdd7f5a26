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
import { defaultHealthSources, HealthService, type HealthSources } from './health';
import {
  createDispatcher,
  createHandlers,
  type Dispatch,
  EventHub,
  type FileDialogKind,
} from './rpc';
import { SettingsStore } from './settings';

export interface BackendOptions {
  appInfo: AppInfo;
  /** Where settings.json lives; null keeps settings in memory. */
  configDir: string | null;
  settingsOverrides?: SettingsPatch;
  pickFile?: (kind: FileDialogKind) => Promise<string | null>;
  driveListIntervalMs?: number;
  passphraseKeeper?: PassphraseKeeper;
  workspace?: WorkspaceOptions;
  /** How to start the elevated writer process. */
  writer: WriterCommand;
  /** The image cache; defaults to the platform's cache folder. */
  cacheDir?: string;
  log?: (message: string) => void;
  /** The SSH and Kubernetes sides of the health watch; defaults to the real ones. */
  healthSources?: HealthSources;
}

export interface Backend {
  dispatch: Dispatch;
  workspace: ClusterWorkspace;
  events: EventHub;
  /** The image cache folder (the web server puts uploaded images beside it). */
  imageCacheDir: string;
  stop(): void;
}

/** The composition root shared by the Electron shell and the web server. */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const settings = await SettingsStore.open(options.configDir, options.settingsOverrides);
  const events = new EventHub();
  const workspace = new ClusterWorkspace(options.workspace);
  const watcher = new DriveWatcher({
    list: () => listSystemDrives({ includeLoop: settings.get().includeLoopDevices }),
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
  // The UI's listings are the watcher's: a drive it shows is one whose removal gets reported.
  const listDrives = () => watcher.refresh();
  const flash = new FlashDesk({
    service: engine.service,
    listDrives,
    catalogs: engine.catalogs,
    cache,
    allowLoop: () => settings.get().includeLoopDevices,
    events: {
      imageProgress: (event) => events.emit('imageProgress', event),
      flashProgress: (event) => events.emit('flashProgress', event),
      flashFinished: (event) => events.emit('flashFinished', event),
    },
  });
  const health = new HealthService({
    workspace,
    sources: options.healthSources ?? defaultHealthSources(),
    events: {
      healthChanged: (view) => events.emit('healthChanged', view),
      healthAlert: (alert) => events.emit('healthAlert', alert),
      healthLog: (event) => events.emit('healthLog', event),
      smokeTestProgress: (event) => events.emit('smokeTestProgress', event),
    },
    log: options.log,
  });
  const dispatch = createDispatcher(
    createHandlers({
      appInfo: options.appInfo,
      settings,
      workspace,
      flash,
      health,
      passphraseKeeper: options.passphraseKeeper,
      listDrives,
      pickFile: options.pickFile,
    }),
  );
  return {
    dispatch,
    events,
    workspace,
    imageCacheDir: cache.dir,
    stop: () => {
      health.stopAll();
      watcher.stop();
      engine.close();
    },
  };
}
