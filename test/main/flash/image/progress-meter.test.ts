import { describe, expect, it } from 'vitest';

import { ProgressMeter } from '../../../../main/flash/image';

function clock(start = 0) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('ProgressMeter', () => {
  it('measures a steady speed and the ETA from it', () => {
    const c = clock();
    const meter = new ProgressMeter({ total: 1000, now: c.now, minIntervalMs: 100 });
    let sample = null;
    for (let done = 100; done <= 500; done += 100) {
      c.advance(1000);
      sample = meter.update(done);
    }
    expect(sample).toMatchObject({ done: 500, total: 1000 });
    expect(sample!.speed).toBeCloseTo(100, 5);
    expect(sample!.etaSeconds).toBeCloseTo(5, 5);
  });

  it('smooths a sudden change instead of jumping to it', () => {
    const c = clock();
    const meter = new ProgressMeter({ total: 100_000, now: c.now, smoothingMs: 3000 });
    let done = 0;
    for (let i = 0; i < 10; i++) {
      c.advance(1000);
      meter.update((done += 100));
    }
    c.advance(1000);
    const burst = meter.update((done += 1100))!; // one second at 1100/s
    expect(burst.speed).toBeGreaterThan(100);
    expect(burst.speed).toBeLessThan(1100);
    expect(burst.speed).toBeCloseTo(100 + (1100 - 100) * (1 - Math.exp(-1000 / 3000)), 5);
  });

  it('reports at most once per interval, but sample() always answers', () => {
    const c = clock();
    const meter = new ProgressMeter({ total: null, now: c.now, minIntervalMs: 100 });
    c.advance(10);
    expect(meter.update(1)).not.toBeNull(); // the first report is due at once
    c.advance(10);
    expect(meter.update(2)).toBeNull();
    c.advance(95);
    expect(meter.update(3)).not.toBeNull();
    expect(meter.sample()).toMatchObject({ done: 3, total: null, etaSeconds: null });
  });

  it('has no ETA before any speed, and 0 when done', () => {
    const c = clock();
    const meter = new ProgressMeter({ total: 10, now: c.now });
    expect(meter.sample()).toMatchObject({ done: 0, speed: 0, etaSeconds: null });
    c.advance(200);
    meter.update(10);
    expect(meter.sample().etaSeconds).toBe(0);
  });

  it('never goes backwards', () => {
    const c = clock();
    const meter = new ProgressMeter({ total: 100, now: c.now });
    c.advance(200);
    meter.update(50);
    c.advance(200);
    meter.update(20);
    expect(meter.sample().done).toBe(50);
    expect(meter.sample().speed).toBeGreaterThan(0);
  });
});
