import type { Drive } from '../../common/drives';
import type { ClusterWorkspace } from '../cluster';
import { FlashService } from './flash-service';
import { loadCatalogs } from './image';
import { startWriter, type WriterConnection } from './writer/host';
import { type WriterCommand, writerLauncher } from './writer/launch';
import { ManagedWriter } from './writer/managed-writer';

export interface FlashEngineOptions {
  workspace: ClusterWorkspace;
  writer: WriterCommand;
  /** A writer already being started (the CLI starts it early when no prompt is needed). */
  writerStarted?: Promise<WriterConnection>;
  cacheDir: string;
  maxCacheBytes: number;
  listDrives: (options: { includeLoop: boolean }) => Promise<Drive[]>;
  userCatalogs?: () => readonly string[];
}

/** The flash service wired to a real elevated writer and the catalogs; shared by CLI and apps. */
export function createFlashEngine(options: FlashEngineOptions) {
  const writer = new ManagedWriter(
    () => startWriter({ launch: writerLauncher(options.writer) }),
    options.writerStarted,
  );
  const catalogs = () => loadCatalogs({ user: options.userCatalogs?.() });
  const service = new FlashService({
    workspace: options.workspace,
    writer: () => writer.get(),
    listDrives: options.listDrives,
    catalog: async () => (await catalogs()).images,
    cache: { dir: options.cacheDir, maxBytes: options.maxCacheBytes },
  });
  return { service, catalogs, close: () => writer.close() };
}
