import { describe, expect, it } from 'vitest';

import { sectionFromHash } from '../../../renderer/src/app/sections';

describe('section routing', () => {
  it('reads the section from the hash', () => {
    expect(sectionFromHash('#/flash')).toBe('flash');
    expect(sectionFromHash('#settings')).toBe('settings');
  });

  it('falls back to the cluster section for anything else', () => {
    expect(sectionFromHash('')).toBe('cluster');
    expect(sectionFromHash('#/constructor')).toBe('cluster');
    expect(sectionFromHash('#/../flash')).toBe('cluster');
  });
});
