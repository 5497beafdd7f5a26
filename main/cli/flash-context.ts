import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { ClusterWorkspace } from '../cluster';
import { FlashService, listDrives, loadCatalogs } from '../flash';
import { startWriter } from '../flash/writer/host';
import { writerLauncher } from '../flash/writer/launch';
import { ManagedWriter } from '../flash/writer/managed-writer';

/** Where downloaded and decompressed images are kept (the XDG cache folder on Linux). */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Kubeflash', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Kubeflash');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubeflash');
}

export const defaultMaxCacheBytes = 16 * 1024 ** 3;

/** The flash engine as the CLI uses it: its writer is the built `writer.js` beside the CLI. */
export function cliFlashService(workspace: ClusterWorkspace, cacheDir = defaultCacheDir()) {
  const script = fileURLToPath(new URL('./writer.js', import.meta.url));
  const writer = new ManagedWriter(() =>
    startWriter({
      launch: writerLauncher({ executable: process.execPath, script }),
    }),
  );
  const service = new FlashService({
    workspace,
    writer: () => writer.get(),
    listDrives,
    catalog: async () => (await loadCatalogs()).images,
    cache: { dir: join(cacheDir, 'images'), maxBytes: defaultMaxCacheBytes },
  });
  return { service, close: () => writer.close() };
}
