import { z } from 'zod';

import { AppInfo } from './app-info';
import { Cluster } from './cluster';
import { AbsolutePath, ClusterDocument, OpenedClusterFile, SavedClusterFile } from './cluster-file';
import {
  ClusterView,
  CreateClusterRequest,
  KubeconfigDestination,
  Passphrase,
  WriteKubeconfigRequest,
  WrittenKubeconfig,
} from './cluster-view';
import { Drive, DriveDetached } from './drives';
import {
  CatalogView,
  FlashFinishedEvent,
  FlashJobView,
  FlashNodeRequest,
  FlashProgressEvent,
  FlashTarget,
  ImageCacheView,
  ImageProgressEvent,
  InspectedImage,
} from './flash';
import {
  HealthAlert,
  HealthLogEvent,
  HealthView,
  SmokeTestProgress,
  SmokeTestResult,
} from './health-view';
import { Settings, SettingsPatch } from './settings';

/**
 * Every call and event between the UI and the Node side, declared once. Main, preload, the web
 * server and the renderer all derive their types and their validation from this object.
 */
function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R) {
  return { params, result };
}

const NoParams = z.object({}).strict();

export const contract = {
  calls: {
    appInfo: call(NoParams, AppInfo),
    listDrives: call(NoParams, z.array(Drive)),
    getSettings: call(NoParams, Settings),
    updateSettings: call(SettingsPatch, Settings),
    openClusterFile: call(z.object({ path: AbsolutePath }).strict(), OpenedClusterFile),
    saveClusterFile: call(
      z.object({ path: AbsolutePath, document: ClusterDocument }).strict(),
      SavedClusterFile,
    ),
    /** A new cluster: plan, encrypted secrets (CAs, tokens, keys) and state, side by side. */
    createCluster: call(CreateClusterRequest, ClusterView),
    openCluster: call(z.object({ path: AbsolutePath }).strict(), ClusterView),
    saveCluster: call(z.object({ path: AbsolutePath, cluster: Cluster }).strict(), ClusterView),
    /** Without a passphrase, the one the OS keychain remembers (desktop app) is used. */
    unlockSecrets: call(
      z
        .object({
          path: AbsolutePath,
          passphrase: Passphrase.optional(),
          remember: z.boolean().default(false),
        })
        .strict(),
      ClusterView,
    ),
    lockSecrets: call(
      z.object({ path: AbsolutePath, forget: z.boolean().default(false) }).strict(),
      ClusterView,
    ),
    writeKubeconfig: call(WriteKubeconfigRequest, WrittenKubeconfig),
    markForRebuild: call(
      z.object({ path: AbsolutePath, hostname: z.string().min(1).max(63) }).strict(),
      ClusterView,
    ),
    listCatalog: call(NoParams, CatalogView),
    imageCache: call(NoParams, ImageCacheView),
    clearImageCache: call(NoParams, ImageCacheView),
    /** Check, decompress (once, into the cache) and detect the OS of an image; progress as events. */
    inspectImage: call(z.object({ image: z.string().min(1).max(4096) }).strict(), InspectedImage),
    /** Every drive, with the reasons it may not be written (none: it may). */
    flashTargets: call(
      z.object({ imageSize: z.number().int().nonnegative().optional() }).strict(),
      z.array(FlashTarget),
    ),
    /** Starts writing a node's card; progress and the outcome arrive as events. */
    flashNode: call(FlashNodeRequest, z.object({ jobId: z.string() })),
    cancelFlash: call(
      z.object({ jobId: z.string().min(1).max(64) }).strict(),
      z.object({ cancelled: z.boolean() }),
    ),
    /** Running and recently finished flash jobs: a reload or another window sees them too. */
    listFlashJobs: call(NoParams, z.array(FlashJobView)),
    /** Stops every check of this image under way (download, decompression); it fails as cancelled. */
    cancelInspectImage: call(
      z.object({ image: z.string().min(1).max(4096) }).strict(),
      z.object({ cancelled: z.boolean() }),
    ),
    /** A native dialog for an image file; only where AppInfo.fileDialogs is true. */
    pickImageFile: call(NoParams, z.object({ path: z.string().nullable() })),
    /** A native file dialog; only where AppInfo.fileDialogs is true. `null` when cancelled. */
    pickClusterFile: call(
      z.object({ purpose: z.enum(['open', 'save']) }).strict(),
      z.object({ path: z.string().nullable() }),
    ),
    /** Watch a cluster come up (flow 6); the view then changes through healthChanged events. */
    startHealthWatch: call(z.object({ path: AbsolutePath }).strict(), HealthView),
    stopHealthWatch: call(
      z.object({ path: AbsolutePath }).strict(),
      z.object({ stopped: z.boolean() }),
    ),
    healthView: call(z.object({ path: AbsolutePath }).strict(), HealthView),
    /** A node's live bootstrap log; lines arrive as healthLog events with the stream id. */
    followNodeLog: call(
      z.object({ path: AbsolutePath, hostname: z.string().min(1).max(63) }).strict(),
      z.object({ streamId: z.string() }),
    ),
    stopNodeLog: call(
      z.object({ streamId: z.string().min(1).max(64) }).strict(),
      z.object({ stopped: z.boolean() }),
    ),
    /** A DaemonSet that must run on every schedulable node, then is deleted; progress as events. */
    runSmokeTest: call(
      z
        .object({
          path: AbsolutePath,
          timeoutSeconds: z.number().int().min(10).max(3600).optional(),
        })
        .strict(),
      SmokeTestResult,
    ),
    /** The fallback kubeconfig: the init node's own, read over SSH, saved or merged. */
    fetchKubeconfigFromNode: call(
      z.object({ path: AbsolutePath, destination: KubeconfigDestination }).strict(),
      WrittenKubeconfig,
    ),
  },
  events: {
    healthChanged: HealthView,
    healthAlert: HealthAlert,
    healthLog: HealthLogEvent,
    smokeTestProgress: SmokeTestProgress,
    driveAttached: Drive,
    driveDetached: DriveDetached,
    imageProgress: ImageProgressEvent,
    flashProgress: FlashProgressEvent,
    flashFinished: FlashFinishedEvent,
  },
} as const;

export type Calls = typeof contract.calls;
export type CallName = keyof Calls;
export type CallParams<N extends CallName> = z.input<Calls[N]['params']>;
export type CallResult<N extends CallName> = z.infer<Calls[N]['result']>;

export type Events = typeof contract.events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export const callNames = Object.keys(contract.calls) as CallName[];
export const eventNames = Object.keys(contract.events) as EventName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(contract.calls, name);
}
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(contract.events, name);
}

/** What the renderer holds: one async method per call, plus event subscription. */
export type KubeflashApi = {
  [N in CallName]: (params: CallParams<N>) => Promise<CallResult<N>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The Node side implements one handler per call; params arrive already validated. */
export type Handlers = {
  [N in CallName]: (params: z.infer<Calls[N]['params']>) => Promise<z.input<Calls[N]['result']>>;
};

/** Electron IPC channel names: the only place they are spelled. */
export const ipcChannels = {
  call: 'kubeflash:call',
  event: 'kubeflash:event',
} as const;

/** The WebSocket path of the web server. */
export const webSocketPath = '/api/ws';
