import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the CLI and web server keep settings: the same folder Electron's userData uses. */
export function defaultConfigDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kubeflash');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kubeflash');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Kubeflash');
}
