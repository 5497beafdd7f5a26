import { describe, expect, it } from 'vitest';

import type { Drive } from '../../../common/drives';
import {
  partitionTargets,
  sourceDevice,
  targetRefusals,
} from '../../../main/flash/drive-constraints';

function drive(device: string, patch: Partial<Drive> = {}): Drive {
  return {
    device,
    description: 'SD card reader',
    size: 32 * 1024 ** 3,
    removable: true,
    system: false,
    readOnly: false,
    mountpoints: [],
    loop: false,
    ...patch,
  };
}

const codes = (d: Drive, context: Parameters<typeof targetRefusals>[1]) =>
  targetRefusals(d, context).map((r) => r.code);

describe('target drive rules', () => {
  it('offers a plain removable card', () => {
    expect(codes(drive('/dev/sdb'), { allowLoop: false, imageSize: 4 * 1024 ** 3 })).toEqual([]);
  });

  it('refuses system drives unless the CLI names that very device', () => {
    const system = drive('/dev/sda', { system: true, removable: false });
    expect(codes(system, { allowLoop: false })).toEqual(['system']);
    expect(codes(system, { allowLoop: false, allowSystemDevice: '/dev/sdz' })).toEqual(['system']);
    expect(codes(system, { allowLoop: false, allowSystemDevice: '/dev/sda' })).toEqual([]);
  });

  it('refuses the drive holding the image, whatever the flags', () => {
    const source = drive('/dev/sdc', { system: true, mountpoints: ['/media/usb'] });
    expect(
      codes(source, { allowLoop: true, allowSystemDevice: '/dev/sdc', sourceDevice: '/dev/sdc' }),
    ).toEqual(['source']);
  });

  it('refuses read-only cards, loop devices unless allowed, unknown and too-small sizes', () => {
    expect(codes(drive('/dev/sdb', { readOnly: true }), { allowLoop: false })).toEqual([
      'read-only',
    ]);
    expect(codes(drive('/dev/loop3', { loop: true }), { allowLoop: false })).toEqual(['loop']);
    expect(codes(drive('/dev/loop3', { loop: true }), { allowLoop: true })).toEqual([]);
    expect(codes(drive('/dev/sdb', { size: null }), { allowLoop: false })).toEqual([
      'unknown-size',
    ]);
    const small = targetRefusals(drive('/dev/sdb', { size: 1024 ** 3 }), {
      allowLoop: false,
      imageSize: 2 * 1024 ** 3,
    });
    expect(small.map((r) => r.code)).toEqual(['too-small']);
    expect(small[0]!.message).toMatch(/1\.0 GiB.*2\.0 GiB/);
  });

  it('finds the drive holding a path by its longest mountpoint', () => {
    const drives = [
      drive('/dev/vda', { mountpoints: ['/'] }),
      drive('/dev/sdb', { mountpoints: ['/media/me/USB'] }),
    ];
    expect(sourceDevice(drives, '/media/me/USB/images/ubuntu.img')).toBe('/dev/sdb');
    expect(sourceDevice(drives, '/home/me/ubuntu.img')).toBe('/dev/vda');
    expect(sourceDevice(drives, '/media/me/USB2/x.img')).toBe('/dev/vda');
    expect(sourceDevice([drive('/dev/sdb')], '/x.img')).toBeNull();
  });

  it('splits a listing into offered and refused drives with reasons', () => {
    const { eligible, refused } = partitionTargets(
      [drive('/dev/sdb'), drive('/dev/sda', { system: true })],
      { allowLoop: false },
    );
    expect(eligible.map((d) => d.device)).toEqual(['/dev/sdb']);
    expect(refused.map((r) => [r.drive.device, r.refusals[0]!.code])).toEqual([
      ['/dev/sda', 'system'],
    ]);
  });
});
