import { describe, expect, it } from 'vitest';

import { sameData } from '../../../../renderer/src/features/cluster/same-data';

describe('sameData', () => {
  it('compares plain data structurally, ignoring key order', () => {
    expect(sameData({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameData([1, 2], [2, 1])).toBe(false);
    expect(sameData([], {})).toBe(false);
    expect(sameData(null, {})).toBe(false);
  });

  it('treats an undefined property as absent', () => {
    expect(sameData({ a: 1, ip: undefined }, { a: 1 })).toBe(true);
    expect(sameData({ a: 1 }, { a: 1, ip: '10.0.0.1' })).toBe(false);
  });
});
