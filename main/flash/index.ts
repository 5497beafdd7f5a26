export { diffDrives, type DriveChanges, DriveWatcher } from './drive-watcher';
export { listDrives, type ListDrivesOptions } from './drives';
export { listLoopDevices } from './loop-devices';
