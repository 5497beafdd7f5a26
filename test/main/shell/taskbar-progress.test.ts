import { describe, expect, it } from 'vitest';

import type { FlashFinishedEvent, FlashProgressEvent } from '../../../common/flash';
import {
  FlashProgressTally,
  progressBarValue,
  type TaskbarProgress,
} from '../../../main/shell/taskbar-progress';

function progress(jobId: string, patch: Partial<FlashProgressEvent>): FlashProgressEvent {
  return {
    jobId,
    hostname: `node-${jobId}`,
    device: `/dev/${jobId}`,
    step: 'card',
    phase: 'writing',
    bytes: 0,
    total: 1000,
    bytesPerSecond: 1,
    etaSeconds: null,
    ...patch,
  };
}

function finished(jobId: string): FlashFinishedEvent {
  return {
    jobId,
    hostname: `node-${jobId}`,
    device: `/dev/${jobId}`,
    ok: true,
    family: 'ubuntu',
    bytesWritten: 1,
    ejected: true,
    error: null,
  };
}

const fraction = (p: TaskbarProgress) => (p.mode === 'fraction' ? p.fraction : p.mode);

describe('taskbar progress of running flash jobs', () => {
  it('shows no bar when nothing runs', () => {
    expect(new FlashProgressTally().current()).toEqual({ mode: 'none' });
  });

  it('is indeterminate while a job only prepares its image', () => {
    const tally = new FlashProgressTally();
    const p = tally.progress(progress('a', { step: 'image', phase: 'decompressing', bytes: 5 }));
    expect(p).toEqual({ mode: 'indeterminate' });
  });

  it('counts writing as the first half and verifying as the second, never going back', () => {
    const tally = new FlashProgressTally();
    expect(fraction(tally.progress(progress('a', { bytes: 500 })))).toBe(0.25);
    expect(fraction(tally.progress(progress('a', { bytes: 1000 })))).toBe(0.5);
    // Phases in between (configuring, ejecting) keep the last known fraction.
    expect(fraction(tally.progress(progress('a', { phase: 'configuring', total: null })))).toBe(
      0.5,
    );
    expect(fraction(tally.progress(progress('a', { phase: 'verifying', bytes: 0 })))).toBe(0.5);
    expect(fraction(tally.progress(progress('a', { phase: 'verifying', bytes: 500 })))).toBe(0.75);
  });

  it('averages several cards, each counting alike, and clears when the last one ends', () => {
    const tally = new FlashProgressTally();
    tally.progress(progress('a', { bytes: 1000, total: 1000 })); // 0.5
    expect(fraction(tally.progress(progress('b', { bytes: 0, total: 4000 })))).toBe(0.25);
    expect(fraction(tally.progress(progress('b', { bytes: 2000, total: 4000 })))).toBe(0.375);
    expect(fraction(tally.finished(finished('a')))).toBe(0.25);
    expect(tally.finished(finished('b'))).toEqual({ mode: 'none' });
  });

  it('reads the backend’s event messages and ignores other events and malformed payloads', () => {
    const tally = new FlashProgressTally();
    const p = tally.event({ type: 'event', event: 'flashProgress', payload: progress('a', {}) });
    expect(p).toEqual({ mode: 'fraction', fraction: 0 });
    expect(tally.event({ type: 'event', event: 'driveAttached', payload: {} })).toBeNull();
    expect(
      tally.event({ type: 'event', event: 'flashProgress', payload: { jobId: 1 } }),
    ).toBeNull();
    expect(tally.event({ type: 'event', event: 'flashFinished', payload: finished('a') })).toEqual({
      mode: 'none',
    });
  });

  it('maps to Electron’s setProgressBar values', () => {
    expect(progressBarValue({ mode: 'none' })).toBeLessThan(0);
    expect(progressBarValue({ mode: 'indeterminate' })).toBeGreaterThan(1);
    expect(progressBarValue({ mode: 'fraction', fraction: 0.3 })).toBe(0.3);
  });
});
