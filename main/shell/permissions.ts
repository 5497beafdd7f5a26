import { isAllowedNavigation } from './window-options';

/** The only permission the app asks for: to tell the user a card is done while they are away. */
const grantable = new Set(['notifications']);

/**
 * Whether a page may have a permission: only notifications, only for the app's own page (the
 * page URL of the asking frame, against the app's URL). Media, devices, geolocation and the rest
 * are refused. No electron import here, so the test runs in plain Node.
 */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string,
  appUrl: string,
): boolean {
  return grantable.has(permission) && isAllowedNavigation(requestingUrl, appUrl);
}
