import { describe, expect, it } from 'vitest';

import { startWriterEarly, stopEarlyWriter } from '../../../main/cli/early-writer';

describe('starting the writer early', () => {
  it('does not start it when that would need an elevation prompt (not root)', () => {
    expect(startWriterEarly(false)).toBeNull();
    expect(() => stopEarlyWriter(null)).not.toThrow();
  });
});
