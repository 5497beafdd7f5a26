import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { electronBinary } from '../../scripts/electron-binary.mjs';
import { requirePrerequisite } from '../support/prerequisites';

const executable = electronBinary();
const reason = 'the Electron binary is not installed (it cannot be downloaded on this machine)';

// The desktop shell through Playwright's Electron driver. Only this suite may be skipped in CI.
describe('desktop app (Electron)', () => {
  let app: ElectronApplication | undefined;
  let mainWindow: Page;
  const userData = mkdtempSync(join(tmpdir(), 'kubeflash-electron-'));

  beforeAll(async () => {
    if (!executable) return;
    app = await electron.launch({
      executablePath: executable,
      // Electron refuses to run as root without --no-sandbox; the renderer sandbox still applies.
      args: [
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        'out/main/index.js',
        `--user-data-dir=${userData}`,
      ],
    });
    mainWindow = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  it('opens the main window', async (ctx) => {
    requirePrerequisite(ctx, executable !== null, reason, { allowSkip: true });
    expect(await mainWindow.title()).toBe('Kubeflash');
  });

  it('answers contract calls through the preload bridge', async (ctx) => {
    requirePrerequisite(ctx, executable !== null, reason, { allowSkip: true });
    const reply = await mainWindow.evaluate(() =>
      (
        globalThis as unknown as { kubeflashBridge: { appInfo(p: object): Promise<unknown> } }
      ).kubeflashBridge.appInfo({}),
    );
    expect(reply).toMatchObject({ type: 'result', ok: true, value: { mode: 'electron' } });
  });

  it('keeps Node out of the page and the security flags on', async (ctx) => {
    requirePrerequisite(ctx, executable !== null, reason, { allowSkip: true });
    const exposed = await mainWindow.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      ipc: typeof (globalThis as { ipcRenderer?: unknown }).ipcRenderer,
    }));
    expect(exposed).toEqual({ require: 'undefined', process: 'undefined', ipc: 'undefined' });
    const prefs = await app!.evaluate(({ BrowserWindow }) => {
      const web = BrowserWindow.getAllWindows()[0]!.webContents;
      return (
        web as unknown as { getLastWebPreferences(): Record<string, unknown> }
      ).getLastWebPreferences();
    });
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    const opened = await mainWindow.evaluate(
      () =>
        (globalThis as unknown as { open(url: string): unknown }).open(
          'https://example.invalid',
        ) === null,
    );
    expect(opened).toBe(true);
  });
});
