import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where downloaded and decompressed images are kept (the platform's cache folder). */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (platform === 'win32')
    return join(
      env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'),
      'Kubeflash',
      'Cache',
      'images',
    );
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Kubeflash', 'images');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubeflash', 'images');
}

/** Large enough for a few OS images; least recently used images go first. */
export const defaultMaxCacheBytes = 16 * 1024 ** 3;
