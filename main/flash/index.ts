export { defaultCacheDir, defaultMaxCacheBytes } from './cache-location';
export { partitionTargets, type Refusal, sourceDevice, targetRefusals } from './drive-constraints';
export { diffDrives, type DriveChanges, DriveWatcher } from './drive-watcher';
export { listDrives, type ListDrivesOptions } from './drives';
export { FlashDesk, type FlashDeskDeps, type FlashDeskEvents } from './flash-desk';
export { createFlashEngine, type FlashEngineOptions } from './flash-engine';
export {
  type FlashNodeRequest,
  type FlashOutcome,
  FlashService,
  type FlashStepProgress,
} from './flash-service';
export { cacheInfo, type CatalogImage, clearCache, loadCatalogs } from './image';
export { type ImageReference, parseImageReference, resolveImage } from './image-reference';
export { clearUploads, imageUploadsDir, listUploads, pruneUploads } from './image-uploads';
export { listLoopDevices } from './loop-devices';
export { type WriterCommand } from './writer/launch';
