import { type Bridge, bridgeGlobalName } from '../../../../common/bridge';

/**
 * Where a dropped file lives, in the desktop app (the preload asks Electron's webUtils; a
 * sandboxed page cannot). `undefined` in a browser, where no page is told a file's path;
 * `null` for a file without one (dragged out of another app).
 */
export function desktopFilePath(file: File): string | null | undefined {
  const bridge = (window as unknown as Record<string, Bridge | undefined>)[bridgeGlobalName];
  if (!bridge) return undefined;
  return bridge.pathForFile(file) || null;
}
