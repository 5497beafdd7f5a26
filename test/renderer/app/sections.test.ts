import { describe, expect, it } from 'vitest';

import { flashNodeHash, nodeFromHash, sectionFromHash } from '../../../renderer/src/app/sections';

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

  it('carries the node asked for to the Flash section', () => {
    const hash = flashNodeHash('rpi-kube-worker-02');
    expect(sectionFromHash(hash)).toBe('flash');
    expect(nodeFromHash(hash)).toBe('rpi-kube-worker-02');
    expect(nodeFromHash('#/flash')).toBeNull();
    expect(nodeFromHash(flashNodeHash('odd&name=x'))).toBe('odd&name=x');
  });
});
