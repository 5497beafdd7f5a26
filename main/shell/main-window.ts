import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { BrowserWindow, shell } from 'electron';

import { isAllowedNavigation, minimumWindowSize, secureWebPreferences } from './window-options';
import { loadWindowState, saveWindowState } from './window-state';

const outDir = fileURLToPath(new URL('..', import.meta.url));

export function appUrl(): string {
  return (
    process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(outDir, 'renderer', 'index.html')).href
  );
}

export async function createMainWindow(stateDir: string): Promise<BrowserWindow> {
  const state = await loadWindowState(stateDir);
  const window = new BrowserWindow({
    width: state.width,
    height: state.height,
    x: state.x,
    y: state.y,
    minWidth: minimumWindowSize.width,
    minHeight: minimumWindowSize.height,
    show: false,
    title: 'Kubeflash',
    webPreferences: secureWebPreferences(join(outDir, 'preload', 'index.cjs')),
  });
  if (state.maximized) window.maximize();

  const url = appUrl();
  window.webContents.setWindowOpenHandler(({ url: target }) => {
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (target.startsWith('https://')) void shell.openExternal(target);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, target) => {
    if (!isAllowedNavigation(target, url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  window.on('close', () => {
    const bounds = window.getNormalBounds();
    void saveWindowState(stateDir, { ...bounds, maximized: window.isMaximized() }).catch(() => {});
  });
  await window.loadURL(url);
  return window;
}
