import type { AppInfo } from '../../common/app-info';
import type { Handlers } from '../../common/contract';
import type { Drive } from '../../common/drives';
import { KubeflashError } from '../../common/errors';
import {
  type ClusterWorkspace,
  openClusterFile,
  type PassphraseKeeper,
  saveClusterFile,
} from '../cluster';
import type { FlashDesk } from '../flash';
import type { HealthService } from '../health';
import type { SettingsStore } from '../settings';

export interface HandlerDeps {
  appInfo: AppInfo;
  settings: SettingsStore;
  workspace: ClusterWorkspace;
  flash: FlashDesk;
  health: HealthService;
  passphraseKeeper?: PassphraseKeeper;
  /** The drives as the app shows them (loop devices only if the settings say so). */
  listDrives: () => Promise<Drive[]>;
  /** Native file dialog, where the host has one (Electron). */
  pickFile?: (kind: FileDialogKind) => Promise<string | null>;
}

/** What a native file dialog is for: it decides the title, filters and open or save. */
export type FileDialogKind = 'open-cluster' | 'save-cluster' | 'open-image';

/** The same handlers serve Electron IPC and the web server. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    appInfo: async () => deps.appInfo,
    listDrives: async () => deps.listDrives(),
    getSettings: async () => deps.settings.get(),
    updateSettings: async (patch) => deps.settings.update(patch),
    openClusterFile: async ({ path }) => openClusterFile(path),
    saveClusterFile: async ({ path, document }) => saveClusterFile(path, document),
    createCluster: async ({ path, options, passphrase, wifiPassphrase, overwrite }) =>
      deps.workspace.create(path, options, passphrase, { overwrite, wifiPassphrase }),
    openCluster: async ({ path }) => deps.workspace.view(path),
    saveCluster: async ({ path, cluster }) => deps.workspace.save(path, cluster),
    unlockSecrets: async ({ path, passphrase, remember }) => {
      const keeper = deps.passphraseKeeper;
      const given = passphrase ?? (await keeper?.load(path)) ?? null;
      if (given === null) {
        throw new KubeflashError(
          'invalid-request',
          'Enter the passphrase of the secrets file',
          'passphrase',
        );
      }
      const view = await deps.workspace.unlock(path, given);
      if (remember && passphrase && keeper) await keeper.save(path, passphrase);
      return view;
    },
    lockSecrets: async ({ path, forget }) => {
      // The watch holds the host keys and the admin key: locking ends it.
      await deps.health.stop(path);
      deps.workspace.lock(path);
      if (forget) await deps.passphraseKeeper?.forget(path);
      return deps.workspace.view(path);
    },
    writeKubeconfig: async ({ path, destination, contextName }) =>
      deps.workspace.writeKubeconfig(path, destination, contextName),
    markForRebuild: async ({ path, hostname }) => deps.workspace.markForRebuild(path, hostname),
    listCatalog: async () => deps.flash.listCatalog(),
    imageCache: async () => deps.flash.imageCache(),
    clearImageCache: async () => deps.flash.clearImageCache(),
    inspectImage: async ({ image }) => deps.flash.inspectImage(image),
    flashTargets: async ({ imageSize }) => deps.flash.flashTargets(imageSize),
    flashNode: async (request) => deps.flash.flashNode(request),
    cancelFlash: async ({ jobId }) => ({ cancelled: deps.flash.cancelFlash(jobId) }),
    listFlashJobs: async () => deps.flash.listFlashJobs(),
    cancelInspectImage: async ({ image }) => ({
      cancelled: deps.flash.cancelInspectImage(image),
    }),
    pickImageFile: async () => ({ path: await pickFile(deps, 'open-image') }),
    startHealthWatch: async ({ path }) => deps.health.start(path),
    stopHealthWatch: async ({ path }) => deps.health.stop(path),
    healthView: async ({ path }) => deps.health.view(path),
    followNodeLog: async ({ path, hostname }) => deps.health.followLog(path, hostname),
    stopNodeLog: async ({ streamId }) => deps.health.stopLog(streamId),
    runSmokeTest: async ({ path, timeoutSeconds }) => deps.health.smokeTest(path, timeoutSeconds),
    fetchKubeconfigFromNode: async ({ path, destination }) =>
      deps.health.fetchKubeconfig(path, destination),
    pickClusterFile: async ({ purpose }) => ({
      path: await pickFile(deps, purpose === 'open' ? 'open-cluster' : 'save-cluster'),
    }),
  };
}

async function pickFile(deps: HandlerDeps, kind: FileDialogKind): Promise<string | null> {
  if (!deps.pickFile) {
    throw new KubeflashError(
      'unavailable',
      'File dialogs exist only in the desktop app: type the file path instead.',
    );
  }
  return deps.pickFile(kind);
}
