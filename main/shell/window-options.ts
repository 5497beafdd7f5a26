/**
 * The security settings of every Kubeflash window, defined once and asserted by a test.
 * No electron import here, so the test runs in plain Node.
 */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  } as const;
}

/** The window may only show the app itself: same file (any #section) or the dev server. */
export function isAllowedNavigation(target: string, appUrl: string): boolean {
  try {
    const a = new URL(target);
    const b = new URL(appUrl);
    if (a.protocol === 'file:') return b.protocol === 'file:' && a.pathname === b.pathname;
    return (a.protocol === 'http:' || a.protocol === 'https:') && a.origin === b.origin;
  } catch {
    return false;
  }
}

export const minimumWindowSize = { width: 900, height: 600 } as const;
