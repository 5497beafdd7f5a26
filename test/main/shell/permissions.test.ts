import { describe, expect, it } from 'vitest';

import { isPermissionGranted } from '../../../main/shell/permissions';

const fileApp = 'file:///opt/Kubeflash/resources/app.asar/out/renderer/index.html';
const devApp = 'http://localhost:5173/';

describe('permission decisions of the desktop shell', () => {
  it('grants notifications to the app’s own page, in any section', () => {
    expect(isPermissionGranted('notifications', fileApp, fileApp)).toBe(true);
    expect(isPermissionGranted('notifications', `${fileApp}#/flash`, fileApp)).toBe(true);
    expect(isPermissionGranted('notifications', 'http://localhost:5173/#/image', devApp)).toBe(
      true,
    );
  });

  it('refuses notifications to any other page', () => {
    expect(isPermissionGranted('notifications', 'https://example.com/', fileApp)).toBe(false);
    expect(isPermissionGranted('notifications', 'file:///tmp/evil.html', fileApp)).toBe(false);
    expect(isPermissionGranted('notifications', 'http://localhost:5174/', devApp)).toBe(false);
    expect(isPermissionGranted('notifications', '', fileApp)).toBe(false);
  });

  it('refuses every other permission, even to the app', () => {
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'hid',
      'serial',
      'usb',
      'openExternal',
      'fileSystem',
      'fullscreen',
      'pointerLock',
    ]) {
      expect(isPermissionGranted(permission, fileApp, fileApp), permission).toBe(false);
    }
  });
});
