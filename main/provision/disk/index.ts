/**
 * Disk access for provisioning: opening image files and cards, their partitions, the FAT boot
 * partition, and writing a node's boot payload onto it without mounting (then leaving the FAT
 * clean and reading everything back).
 */
export {
  applyBootPayload,
  type ApplyResult,
  writeBootFiles,
  type WriteResult,
  type WrittenFile,
} from './apply';
export {
  bootFileExists,
  type BootFileInfo,
  type FatLocation,
  listBootFiles,
  readBootFile,
  readBootFiles,
} from './boot-files';
export {
  type BootPartition,
  describeFat,
  findBootPartition,
  hasLabel,
  isFatPartitionType,
  listFatPartitions,
} from './boot-partition';
export { type CmdlineChange, editCmdline, splitArguments } from './cmdline';
export { DiskError, type DiskProblem } from './errors';
export { type FatType, parseBootSector } from './fat/boot-sector';
export { PartitionIO } from './fat/partition-io';
export { checkFat, type FatSyncReport, syncFat } from './fat/sync';
export { type DiskTarget, type OpenDisk, openDisk, type OpenOptions, withDisk } from './open-disk';
export { PartitionDisk, partitionDisk } from './partition-disk';
export {
  compressionOf,
  type DiskLayout,
  listPartitions,
  type PartitionInfo,
  type PartitionTable,
} from './partitions';
export { type PayloadMismatch, readBackPayload } from './read-back';
