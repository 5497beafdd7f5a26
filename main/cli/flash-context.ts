import type { ClusterWorkspace } from '../cluster';
import { createFlashEngine, defaultCacheDir, defaultMaxCacheBytes, listDrives } from '../flash';
import type { WriterConnection } from '../flash/writer/host';
import { cliWriterCommand } from './early-writer';

export { cliWriterCommand };

/** The flash engine as the CLI uses it; `writerStarted`: a writer already on its way (early). */
export function cliFlashService(
  workspace: ClusterWorkspace,
  options: { cacheDir?: string; writerStarted?: Promise<WriterConnection> | null } = {},
) {
  return createFlashEngine({
    workspace,
    writer: cliWriterCommand(),
    writerStarted: options.writerStarted ?? undefined,
    cacheDir: options.cacheDir ?? defaultCacheDir(),
    maxCacheBytes: defaultMaxCacheBytes,
    listDrives,
  });
}
