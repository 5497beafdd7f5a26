import { fileURLToPath } from 'node:url';

import type { BrowserWindow } from 'electron';
import { app, dialog, session } from 'electron';

import { appName, appVersion } from '../app-version';
import { type Backend, createBackend } from '../backend';
import { fileDialogSpec } from './file-dialogs';
import { registerIpc } from './ipc';
import { appUrl, createMainWindow } from './main-window';
import { installMenu } from './menu';
import { keychainPassphraseKeeper } from './passphrase-keychain';
import { isPermissionGranted } from './permissions';
import { showFlashProgressOnTaskbar } from './taskbar';

/** The Electron shell: one instance, one window, the contract over IPC. */
export function runDesktopApp(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let window: BrowserWindow | null = null;
  let backend: Backend | null = null;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  app.on('window-all-closed', () => {
    backend?.stop();
    app.quit();
  });

  void app.whenReady().then(async () => {
    // Notifications for the app's own page ("card done"); every other permission is refused.
    session.defaultSession.setPermissionRequestHandler((wc, permission, callback) =>
      callback(isPermissionGranted(permission, wc.getURL(), appUrl())),
    );
    session.defaultSession.setPermissionCheckHandler((wc, permission) =>
      isPermissionGranted(permission, wc?.getURL() ?? '', appUrl()),
    );
    installMenu();
    const passphraseKeeper = keychainPassphraseKeeper(app.getPath('userData'));
    backend = await createBackend({
      passphraseKeeper,
      // Electron runs the writer as plain Node; packaged, it sits unpacked beside the app.
      writer: {
        executable: process.execPath,
        script: fileURLToPath(new URL('./writer.js', import.meta.url)).replace(
          'app.asar',
          'app.asar.unpacked',
        ),
        env: { ELECTRON_RUN_AS_NODE: '1' },
      },
      appInfo: {
        name: appName,
        version: appVersion,
        mode: 'electron',
        platform: process.platform,
        fileDialogs: true,
        passphraseKeychain: passphraseKeeper !== undefined,
      },
      configDir: app.getPath('userData'),
      pickFile: async (kind) => {
        const { type, filters, defaultPath } = fileDialogSpec(kind);
        if (type === 'open') {
          const result = await dialog.showOpenDialog({ properties: ['openFile'], filters });
          return result.canceled ? null : (result.filePaths[0] ?? null);
        }
        const result = await dialog.showSaveDialog({ filters, defaultPath });
        return result.canceled ? null : (result.filePath ?? null);
      },
    });
    window = await createMainWindow(app.getPath('userData'));
    registerIpc(backend, window, appUrl());
    showFlashProgressOnTaskbar(backend, window);
  });
}
