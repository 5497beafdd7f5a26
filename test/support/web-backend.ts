import type { AppInfo } from '../../common/app-info';
import { type Backend, type BackendOptions, createBackend } from '../../main/backend';

/** What a web-mode backend reports about itself in the server suites. */
export const webAppInfo: AppInfo = {
  name: 'kubeflash',
  version: '0.0.0',
  mode: 'web',
  platform: process.platform,
  fileDialogs: false,
  passphraseKeychain: false,
};

/** A backend for the web server suites: settings in memory, no writer process to start. */
export function createWebTestBackend(options: Partial<BackendOptions> = {}): Promise<Backend> {
  return createBackend({
    appInfo: webAppInfo,
    configDir: null,
    writer: { executable: process.execPath, script: '/nonexistent/writer.js' },
    ...options,
  });
}
