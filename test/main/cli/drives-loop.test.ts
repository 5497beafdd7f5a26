import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { Drive } from '../../../common/drives';
import { hasCommand, isRoot, requirePrerequisite } from '../../support/prerequisites';
import { cliPath } from '../../support/serve';

// The built CLI, as a user runs it, against a real loop device.
function drivesJson(...flags: string[]): Drive[] {
  const text = execFileSync(process.execPath, [cliPath, 'drives', '--json', ...flags], {
    encoding: 'utf8',
  });
  return z.array(Drive).parse(JSON.parse(text));
}

describe('kubeflash drives --json --include-loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-cli-loop-'));
  let device: string | null = null;

  afterEach(() => {
    if (device) execFileSync('losetup', ['-d', device]);
    device = null;
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists an attached loop device with its size only when asked, and forgets it once detached', (ctx) => {
    requirePrerequisite(
      ctx,
      isRoot() && hasCommand('losetup'),
      'loop devices need root and losetup',
    );
    const image = join(dir, 'card.img');
    execFileSync('truncate', ['-s', '48M', image]);
    device = execFileSync('losetup', ['-f', '--show', image], { encoding: 'utf8' }).trim();

    const listed = drivesJson('--include-loop').find((d) => d.device === device);
    expect(listed).toMatchObject({
      size: 48 * 1024 * 1024,
      loop: true,
      system: false,
      readOnly: false,
    });
    expect(listed?.description).toContain(image);
    expect(drivesJson().some((d) => d.device === device)).toBe(false);

    execFileSync('losetup', ['-d', device]);
    const detached = device;
    device = null;
    // Another process may attach a new file to the freed /dev/loopN at once: ours is gone when
    // no device is backed by our file any more.
    const ours = (d: Drive) => d.device === detached && d.description.includes(image);
    expect(drivesJson('--include-loop').some(ours)).toBe(false);
  });
});
