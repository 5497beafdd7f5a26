import { describe, expect, it } from 'vitest';

import {
  etaParts,
  formatSpeed,
  progressPercent,
} from '../../../renderer/src/components/progress-format';

describe('progress numbers', () => {
  it('gives whole percents, clamped, and none without a total', () => {
    expect(progressPercent(0, 200)).toBe(0);
    expect(progressPercent(199, 200)).toBe(99);
    expect(progressPercent(200, 200)).toBe(100);
    expect(progressPercent(250, 200)).toBe(100);
    expect(progressPercent(10, null)).toBeNull();
    expect(progressPercent(10, 0)).toBeNull();
  });

  it('shows speed in MiB/s with one decimal, and nonsense as zero', () => {
    expect(formatSpeed(34.5 * 1024 * 1024)).toBe('34.5 MiB/s');
    expect(formatSpeed(512 * 1024)).toBe('0.5 MiB/s');
    expect(formatSpeed(0)).toBe('0.0 MiB/s');
    expect(formatSpeed(Number.NaN)).toBe('0.0 MiB/s');
    expect(formatSpeed(-5)).toBe('0.0 MiB/s');
  });

  it('splits the time left into the two largest units, rounding up', () => {
    expect(etaParts(null)).toBeNull();
    expect(etaParts(Number.POSITIVE_INFINITY)).toBeNull();
    expect(etaParts(-1)).toBeNull();
    expect(etaParts(0)).toEqual({ unit: 'seconds', seconds: 0 });
    expect(etaParts(41.2)).toEqual({ unit: 'seconds', seconds: 42 });
    expect(etaParts(59.5)).toEqual({ unit: 'minutes', minutes: 1, seconds: 0 });
    expect(etaParts(125)).toEqual({ unit: 'minutes', minutes: 2, seconds: 5 });
    expect(etaParts(3600 + 7 * 60 + 30)).toEqual({ unit: 'hours', hours: 1, minutes: 7 });
  });
});
