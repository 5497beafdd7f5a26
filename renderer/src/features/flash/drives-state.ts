import type { Drive } from '../../../../common/drives';

export type DriveEvent = { type: 'attached'; drive: Drive } | { type: 'detached'; device: string };

/** Device order, numerically (loop2 before loop10), so rows do not jump. */
export function compareDevices(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** Sorted by device, numerically (loop2 before loop10), so rows do not jump. */
export function sortDrives(drives: readonly Drive[]): Drive[] {
  return [...drives].sort((a, b) => compareDevices(a.device, b.device));
}

/** Apply one hot-plug event to the shown list. */
export function applyDriveEvent(drives: readonly Drive[], event: DriveEvent): Drive[] {
  const device = event.type === 'attached' ? event.drive.device : event.device;
  const others = drives.filter((d) => d.device !== device);
  return sortDrives(event.type === 'attached' ? [...others, event.drive] : others);
}
