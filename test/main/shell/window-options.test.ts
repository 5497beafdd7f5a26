import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  isAllowedNavigation,
  minimumWindowSize,
  secureWebPreferences,
} from '../../../main/shell/window-options';
import { loadWindowState, saveWindowState } from '../../../main/shell/window-state';

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the renderer', () => {
    const preload = join(tmpdir(), 'app', 'preload', 'index.cjs');
    const prefs = secureWebPreferences(preload);
    expect(prefs).toMatchObject({
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('uses the preload path it is given', () => {
    expect(secureWebPreferences('/a/preload.js').preload).toBe('/a/preload.js');
    expect(secureWebPreferences('/b/preload.js').preload).toBe('/b/preload.js');
  });
});

describe('isAllowedNavigation', () => {
  const appFile = pathToFileURL(join(tmpdir(), 'Kubeflash', 'out', 'renderer', 'index.html')).href;
  const devServer = 'http://localhost:5173/';

  it('allows the app file itself, with any section hash or query', () => {
    expect(isAllowedNavigation(appFile, appFile)).toBe(true);
    expect(isAllowedNavigation(`${appFile}#/drives`, appFile)).toBe(true);
    expect(isAllowedNavigation(`${appFile}#/clusters/new`, `${appFile}#/drives`)).toBe(true);
    expect(isAllowedNavigation(`${appFile}?lang=de`, appFile)).toBe(true);
  });

  it('denies other files', () => {
    expect(isAllowedNavigation('file:///etc/passwd', appFile)).toBe(false);
    expect(isAllowedNavigation(appFile.replace('index.html', 'other.html'), appFile)).toBe(false);
    expect(isAllowedNavigation(pathToFileURL(join(tmpdir(), 'evil.html')).href, appFile)).toBe(
      false,
    );
  });

  it('denies web origins from the packaged app', () => {
    expect(isAllowedNavigation('https://evil.example/', appFile)).toBe(false);
    expect(isAllowedNavigation('http://127.0.0.1:5173/', appFile)).toBe(false);
  });

  it('allows the dev server origin and nothing else in development', () => {
    expect(isAllowedNavigation('http://localhost:5173/#/drives', devServer)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5173/other', devServer)).toBe(true);
    expect(isAllowedNavigation('http://localhost:5174/', devServer)).toBe(false);
    expect(isAllowedNavigation('https://localhost:5173/', devServer)).toBe(false);
    expect(isAllowedNavigation('http://evil.example/', devServer)).toBe(false);
    expect(isAllowedNavigation(appFile, devServer)).toBe(false);
  });

  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'about:blank'])(
    'denies %s from the dev server',
    (target) => {
      expect(isAllowedNavigation(target, devServer)).toBe(false);
    },
  );

  // Opaque-origin URLs all have the origin "null", exactly like file: URLs.
  it.each(['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'about:blank'])(
    'denies %s from the packaged app (file: URL)',
    (target) => {
      expect(isAllowedNavigation(target, appFile)).toBe(false);
    },
  );

  it.each(['', 'not a url', '://', 'http//missing-colon', '\u0000'])(
    'denies garbage %j',
    (target) => {
      expect(isAllowedNavigation(target, appFile)).toBe(false);
      expect(isAllowedNavigation(target, devServer)).toBe(false);
    },
  );

  it('denies everything when the app URL itself is garbage', () => {
    expect(isAllowedNavigation(appFile, 'garbage')).toBe(false);
  });
});

describe('window state', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-window-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns a default at least the minimum size for an empty folder', async () => {
    const state = await loadWindowState(dir);
    expect(state.maximized).toBe(false);
    expect(state.width).toBeGreaterThanOrEqual(minimumWindowSize.width);
    expect(state.height).toBeGreaterThanOrEqual(minimumWindowSize.height);
    expect(state.x).toBeUndefined();
    expect(state.y).toBeUndefined();
  });

  it('round-trips a saved state (0600, no leftovers)', async () => {
    const saved = { width: 1400, height: 900, x: 40, y: -20, maximized: true };
    await saveWindowState(dir, saved);
    expect(await loadWindowState(dir)).toEqual(saved);
    expect(await readdir(dir)).toEqual(['window-state.json']);
    expect((await stat(join(dir, 'window-state.json'))).mode & 0o777).toBe(0o600);
  });

  it('fills in maximized when missing', async () => {
    await writeFile(join(dir, 'window-state.json'), JSON.stringify({ width: 1000, height: 700 }));
    expect(await loadWindowState(dir)).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it.each([
    ['too small', { width: minimumWindowSize.width - 1, height: 700 }],
    ['too short', { width: 1000, height: minimumWindowSize.height - 1 }],
    ['too large', { width: 50000, height: 700 }],
    ['fractional', { width: 1000.5, height: 700 }],
    ['wrong types', { width: '1000', height: 700 }],
    ['missing height', { width: 1000 }],
    ['a list', [1000, 700]],
  ])('falls back to the default for a %s state', async (_label, content) => {
    const defaults = await loadWindowState(dir);
    await writeFile(join(dir, 'window-state.json'), JSON.stringify(content));
    expect(await loadWindowState(dir)).toEqual(defaults);
  });

  it('falls back to the default for garbage', async () => {
    const defaults = await loadWindowState(dir);
    await writeFile(join(dir, 'window-state.json'), '\u0000\u0001not json{');
    expect(await loadWindowState(dir)).toEqual(defaults);
  });
});
