import { describe, expect, it } from 'vitest';

import type { InspectedImage } from '../../../../common/flash';
import {
  checkedImageSize,
  type InspectionAction,
  type Inspections,
  inspectionsReducer,
} from '../../../../renderer/src/features/image/image-inspections';

const reference = '/images/ubuntu.img.xz';

const result: InspectedImage = {
  reference,
  format: 'xz',
  size: 3_000_000_000,
  fileSha256: 'ab'.repeat(32),
  imageSha256: null,
  fromCache: false,
  family: 'ubuntu',
  evidence: ['boot partition labelled system-boot', 'user-data present'],
};

function progress(ref: string, bytes: number): InspectionAction {
  return {
    type: 'progress',
    event: {
      reference: ref,
      step: 'prepare',
      phase: 'decompressing',
      bytes,
      total: 1000,
      bytesPerSecond: 10,
      etaSeconds: 3,
    },
  };
}

const run = (actions: InspectionAction[], state: Inspections = {}) =>
  actions.reduce(inspectionsReducer, state);

describe('image checks', () => {
  it('runs with live progress and ends with what was found', () => {
    const running = run([{ type: 'started', reference }, progress(reference, 400)]);
    expect(running[reference]).toEqual({
      status: 'running',
      progress: {
        step: 'prepare',
        phase: 'decompressing',
        bytes: 400,
        total: 1000,
        bytesPerSecond: 10,
        etaSeconds: 3,
      },
    });
    const done = run([{ type: 'succeeded', reference, result }], running);
    expect(done[reference]).toEqual({ status: 'done', result });
    expect(checkedImageSize(done, reference)).toBe(3_000_000_000);
  });

  it('keeps the reason a check failed, and starts afresh on a new check', () => {
    const failed = run([
      { type: 'started', reference },
      { type: 'failed', reference, message: 'The archive is truncated' },
    ]);
    expect(failed[reference]).toEqual({ status: 'failed', message: 'The archive is truncated' });
    expect(checkedImageSize(failed, reference)).toBeUndefined();
    expect(run([{ type: 'started', reference }], failed)[reference]).toEqual({
      status: 'running',
      progress: null,
    });
  });

  it('ignores progress of checks it did not start, and after one ended', () => {
    const other = run([progress('/images/other.img', 1)]);
    expect(other).toEqual({});
    const done = run([
      { type: 'started', reference },
      { type: 'succeeded', reference, result },
    ]);
    expect(run([progress(reference, 999)], done)).toBe(done);
  });

  it('keeps checks of different images apart', () => {
    const state = run([
      { type: 'started', reference },
      { type: 'started', reference: 'alpine-rpi-3.23.2-aarch64' },
      progress('alpine-rpi-3.23.2-aarch64', 5),
      { type: 'succeeded', reference, result },
    ]);
    expect(state[reference]?.status).toBe('done');
    expect(state['alpine-rpi-3.23.2-aarch64']).toMatchObject({
      status: 'running',
      progress: { bytes: 5 },
    });
    expect(checkedImageSize(state, null)).toBeUndefined();
  });

  it('forgets a cancelled check, leaving the others, and ignores its late progress', () => {
    const other = '/images/alpine.img.gz';
    const running = run([
      { type: 'started', reference },
      { type: 'started', reference: other },
      progress(reference, 10),
    ]);
    const after = run([{ type: 'cancelled', reference }, progress(reference, 20)], running);
    expect(after[reference]).toBeUndefined();
    expect(after[other]).toEqual({ status: 'running', progress: null });
  });
});
