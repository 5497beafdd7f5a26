import { describe, expect, it } from 'vitest';

import { formatBytes } from '../../common/format-bytes';
import { formatBytes as cliFormatBytes } from '../../main/cli/format';

describe('formatBytes', () => {
  it('uses binary units with one decimal above bytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatBytes(32 * 1024 ** 3 - 1)).toBe('32.0 GiB');
    expect(formatBytes(2 * 1024 ** 4)).toBe('2.0 TiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3072.0 TiB');
  });

  it('shows an unknown size without a number', () => {
    const text = formatBytes(null);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/\d/);
  });

  it('is the same function in the CLI', () => {
    expect(cliFormatBytes).toBe(formatBytes);
  });
});
