import { describe, expect, it } from 'vitest';

import type { Drive } from '../../../../common/drives';
import { applyDriveEvent, sortDrives } from '../../../../renderer/src/features/flash/drives-state';

function drive(device: string, size = 1024): Drive {
  return {
    device,
    description: device,
    size,
    removable: true,
    system: false,
    readOnly: false,
    mountpoints: [],
    loop: device.includes('loop'),
  };
}

describe('drive list updates', () => {
  it('adds an attached drive in numeric device order', () => {
    const list = [drive('/dev/loop2'), drive('/dev/sda')];
    const next = applyDriveEvent(list, { type: 'attached', drive: drive('/dev/loop10') });
    expect(next.map((d) => d.device)).toEqual(['/dev/loop2', '/dev/loop10', '/dev/sda']);
    expect(list).toHaveLength(2); // pure: the old list is unchanged
  });

  it('replaces a re-attached drive instead of listing it twice', () => {
    const next = applyDriveEvent([drive('/dev/sdb', 1)], {
      type: 'attached',
      drive: drive('/dev/sdb', 2),
    });
    expect(next).toEqual([drive('/dev/sdb', 2)]);
  });

  it('removes a detached drive and ignores unknown ones', () => {
    const list = [drive('/dev/sda'), drive('/dev/sdb')];
    expect(applyDriveEvent(list, { type: 'detached', device: '/dev/sda' })).toEqual([
      drive('/dev/sdb'),
    ]);
    expect(applyDriveEvent(list, { type: 'detached', device: '/dev/sdz' })).toEqual(list);
  });

  it('sorts a listing without changing it', () => {
    const list = [drive('/dev/sdb'), drive('/dev/loop1')];
    expect(sortDrives(list).map((d) => d.device)).toEqual(['/dev/loop1', '/dev/sdb']);
    expect(list[0]!.device).toBe('/dev/sdb');
  });
});
