/**
 * The parts of etcher-sdk the writer uses, imported from their own files: etcher-sdk's index
 * loads every source it supports (S3, HTTP, USB boot, …), about 0.3 s warm and 0.6 s from a
 * cold disk cache, on the path of every card; these files load in about 0.05 s.
 */
export {
  type MultiDestinationProgress,
  pipeSourceToDestinations,
  type PipeSourceToDestinationsResult,
} from 'etcher-sdk/build/multi-write.js';
export { BlockDevice } from 'etcher-sdk/build/source-destination/block-device.js';
import {
  ConfiguredSource,
  SourceDisk,
} from 'etcher-sdk/build/source-destination/configured-source/configured-source.js';

export { ConfiguredSource, SourceDisk };
export { File } from 'etcher-sdk/build/source-destination/file.js';

/**
 * etcher-sdk's trim of ext filesystems' free blocks (ConfiguredSource's `trimPartitions`,
 * private in its types), for a configure hook that changes the view after trimming: the first
 * pass of a card whose payload follows zeroes the partition table the trim reads
 * (execute-flash.ts). The trim ends by reading the source's metadata, which etcher-sdk then
 * keeps, blocks and all; it is dropped so that the blocks come from the finished view. The
 * writer's tests of bytes written (and of progress against them) fail if either changes.
 */
export async function trimExtFreeBlocks(source: ConfiguredSource): Promise<void> {
  const internals = source as unknown as {
    trimPartitions?: () => Promise<void>;
    metadata?: unknown;
  };
  if (typeof internals.trimPartitions !== 'function') {
    throw new Error('etcher-sdk has no ConfiguredSource.trimPartitions any more');
  }
  await internals.trimPartitions.call(source);
  internals.metadata = undefined;
}
