import { describe, expect, it } from 'vitest';

import type { Drive } from '../../../../common/drives';
import type { FlashTarget } from '../../../../common/flash';
import { flashJobsReducer } from '../../../../renderer/src/features/flash/flash-jobs';
import {
  applyTargetEvent,
  effectiveSelection,
  targetAvailability,
  type TargetRow,
  targetsReducer,
} from '../../../../renderer/src/features/flash/flash-targets';

function drive(device: string, patch: Partial<Drive> = {}): Drive {
  return {
    device,
    description: `Card reader ${device}`,
    size: 32 * 1024 ** 3,
    removable: true,
    system: false,
    readOnly: false,
    mountpoints: [],
    loop: false,
    ...patch,
  };
}

const readOnly = { code: 'read-only', message: '/dev/sdc is read-only: slide the lock switch up' };

function listing(): FlashTarget[] {
  return [
    { drive: drive('/dev/sdc', { readOnly: true }), refusals: [readOnly] },
    {
      drive: drive('/dev/sda', { system: true, removable: false }),
      refusals: [{ code: 'system', message: 'system drive' }],
    },
    { drive: drive('/dev/sdb'), refusals: [] },
  ];
}

describe('flash target list', () => {
  it('takes a listing in device order', () => {
    const rows = applyTargetEvent([], { type: 'listed', targets: listing() });
    expect(rows.map((r) => [r.drive.device, r.refusals.length, r.checking])).toEqual([
      ['/dev/sda', 1, false],
      ['/dev/sdb', 0, false],
      ['/dev/sdc', 1, false],
    ]);
  });

  it('shows an attached drive at once as "checking", until the next listing', () => {
    const listed = applyTargetEvent([], { type: 'listed', targets: listing() });
    const attached = applyTargetEvent(listed, { type: 'attached', drive: drive('/dev/sdd') });
    const row = attached.find((r) => r.drive.device === '/dev/sdd')!;
    expect(row.checking).toBe(true);
    expect(targetAvailability(row, [])).toEqual({ kind: 'checking' });
    expect(attached.map((r) => r.drive.device)).toEqual([
      '/dev/sda',
      '/dev/sdb',
      '/dev/sdc',
      '/dev/sdd',
    ]);

    const relisted = applyTargetEvent(attached, {
      type: 'listed',
      targets: [...listing(), { drive: drive('/dev/sdd'), refusals: [] }],
    });
    expect(relisted.find((r) => r.drive.device === '/dev/sdd')?.checking).toBe(false);
  });

  it('replaces a changed drive and removes a detached one', () => {
    const listed = applyTargetEvent([], { type: 'listed', targets: listing() });
    const remounted = applyTargetEvent(listed, {
      type: 'attached',
      drive: drive('/dev/sdb', { mountpoints: ['/media/boot'] }),
    });
    expect(remounted.filter((r) => r.drive.device === '/dev/sdb')).toHaveLength(1);
    expect(remounted.find((r) => r.drive.device === '/dev/sdb')?.drive.mountpoints).toEqual([
      '/media/boot',
    ]);
    const detached = applyTargetEvent(remounted, { type: 'detached', device: '/dev/sdb' });
    expect(detached.map((r) => r.drive.device)).toEqual(['/dev/sda', '/dev/sdc']);
    expect(applyTargetEvent(detached, { type: 'detached', device: '/dev/sdz' })).toEqual(detached);
  });

  it('says why a drive cannot be chosen: refused, being written, or still checked', () => {
    const rows = applyTargetEvent([], { type: 'listed', targets: listing() });
    const [system, card, locked] = rows as [TargetRow, TargetRow, TargetRow];
    expect(targetAvailability(card, [])).toEqual({ kind: 'eligible' });
    expect(targetAvailability(locked, [])).toEqual({ kind: 'refused', refusals: [readOnly] });
    expect(targetAvailability(system, []).kind).toBe('refused');

    const jobs = flashJobsReducer([], {
      type: 'requested',
      key: 'r1',
      hostname: 'rpi-kube-cp-01',
      device: '/dev/sdb',
      clusterPath: '/clusters/lab.yaml',
    });
    const busy = targetAvailability(card, jobs);
    expect(busy.kind).toBe('busy');
    expect(busy.kind === 'busy' && busy.job.hostname).toBe('rpi-kube-cp-01');
  });

  it('keeps a selection only while the drive can be written', () => {
    const rows = applyTargetEvent([], { type: 'listed', targets: listing() });
    expect(effectiveSelection('/dev/sdb', rows, [])?.drive.device).toBe('/dev/sdb');
    expect(effectiveSelection('/dev/sdc', rows, [])).toBeNull();
    expect(effectiveSelection(null, rows, [])).toBeNull();
    const gone = applyTargetEvent(rows, { type: 'detached', device: '/dev/sdb' });
    expect(effectiveSelection('/dev/sdb', gone, [])).toBeNull();
  });

  it('keeps the shown rows when a re-listing fails, and shows a first failure', () => {
    const error = new Error('drive list failed');
    expect(targetsReducer({ status: 'loading' }, { type: 'failed', error })).toEqual({
      status: 'error',
      error,
    });
    const ready = targetsReducer({ status: 'loading' }, { type: 'listed', targets: listing() });
    expect(targetsReducer(ready, { type: 'failed', error })).toBe(ready);
    const loading = targetsReducer(ready, { type: 'reloading' });
    expect(loading).toEqual({ status: 'loading' });
    // Hot-plug events before the first listing are covered by that listing.
    expect(targetsReducer(loading, { type: 'detached', device: '/dev/sdb' })).toBe(loading);
  });
});
