import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  hasCommand,
  isRoot,
  isStrict,
  MissingPrerequisiteError,
  requirePrerequisite,
  requirePrerequisites,
} from './prerequisites';

class Skipped extends Error {}

function fakeContext() {
  return {
    skip: vi.fn((note?: string) => {
      throw new Skipped(note);
    }),
  };
}

describe('requirePrerequisite', () => {
  it('does nothing when the prerequisite is met', () => {
    const ctx = fakeContext();
    const log = vi.fn();
    requirePrerequisite(ctx, true, 'needs root', { env: { KUBEFLASH_STRICT: '1' }, log });
    expect(ctx.skip).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
  });

  it('skips with a SKIPPED line outside strict mode', () => {
    const ctx = fakeContext();
    const log = vi.fn();
    expect(() => requirePrerequisite(ctx, false, 'needs losetup', { env: {}, log })).toThrow(
      Skipped,
    );
    expect(ctx.skip).toHaveBeenCalledWith('needs losetup');
    expect(log).toHaveBeenCalledWith('SKIPPED: needs losetup');
  });

  it('fails with the reason under KUBEFLASH_STRICT=1', () => {
    const ctx = fakeContext();
    const log = vi.fn();
    expect(() =>
      requirePrerequisite(ctx, false, 'needs root', { env: { KUBEFLASH_STRICT: '1' }, log }),
    ).toThrow(MissingPrerequisiteError);
    expect(() =>
      requirePrerequisite(ctx, false, 'needs root', { env: { KUBEFLASH_STRICT: '1' }, log }),
    ).toThrow(/needs root/);
    expect(ctx.skip).not.toHaveBeenCalled();
  });

  it('still skips under strict mode with allowSkip', () => {
    const ctx = fakeContext();
    const log = vi.fn();
    expect(() =>
      requirePrerequisite(ctx, false, 'no Electron binary', {
        env: { KUBEFLASH_STRICT: '1' },
        allowSkip: true,
        log,
      }),
    ).toThrow(Skipped);
    expect(log).toHaveBeenCalledWith('SKIPPED: no Electron binary');
  });

  it('reports the first missing prerequisite of several', () => {
    const ctx = fakeContext();
    const log = vi.fn();
    expect(() =>
      requirePrerequisites(
        ctx,
        [
          [true, 'a'],
          [false, 'b'],
          [false, 'c'],
        ],
        { env: {}, log },
      ),
    ).toThrow(Skipped);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith('SKIPPED: b');
  });

  it('reads strict mode only from KUBEFLASH_STRICT=1', () => {
    expect(isStrict({ KUBEFLASH_STRICT: '1' })).toBe(true);
    expect(isStrict({ KUBEFLASH_STRICT: '0' })).toBe(false);
    expect(isStrict({ KUBEFLASH_STRICT: 'true' })).toBe(false);
    expect(isStrict({})).toBe(false);
  });
});

describe('hasCommand and isRoot', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-prereq-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds executables on PATH only', async () => {
    await writeFile(join(dir, 'kf-tool'), '#!/bin/sh\n');
    await chmod(join(dir, 'kf-tool'), 0o755);
    await writeFile(join(dir, 'kf-data'), 'not executable');
    await chmod(join(dir, 'kf-data'), 0o644);
    expect(hasCommand('kf-tool', { PATH: dir })).toBe(true);
    expect(hasCommand('kf-tool', { PATH: '/nonexistent' })).toBe(false);
    expect(hasCommand(join(dir, 'kf-tool'))).toBe(true);
    expect(hasCommand('kubeflash-no-such-command-here')).toBe(false);
    // root may execute anything with some x bit; a file without any x bit is not a command
    expect(hasCommand('kf-data', { PATH: dir })).toBe(false);
  });

  it('agrees with process.getuid', () => {
    expect(isRoot()).toBe(process.getuid?.() === 0);
  });
});
