import { fileURLToPath } from 'node:url';

import type { ClusterWorkspace } from '../cluster';
import { createFlashEngine, defaultCacheDir, defaultMaxCacheBytes, listDrives } from '../flash';

/** The built writer beside this bundle (out/main/writer.js), run by this same Node. */
export function cliWriterCommand() {
  return {
    executable: process.execPath,
    script: fileURLToPath(new URL('./writer.js', import.meta.url)),
  };
}

/** The flash engine as the CLI uses it. */
export function cliFlashService(workspace: ClusterWorkspace, cacheDir = defaultCacheDir()) {
  return createFlashEngine({
    workspace,
    writer: cliWriterCommand(),
    cacheDir,
    maxCacheBytes: defaultMaxCacheBytes,
    listDrives,
  });
}
