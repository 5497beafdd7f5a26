import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { WriterRendezvous } from '../../../../main/flash/writer/host';
import { type WriterCommand, writerLauncher } from '../../../../main/flash/writer/launch';
import { requirePrerequisite } from '../../../support/prerequisites';

const dir = mkdtempSync(join(tmpdir(), 'kubeflash-launch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rendezvous: WriterRendezvous = {
  dir,
  socketPath: join(dir, 'writer.sock'),
  secretPath: join(dir, 'secret'),
};

/** The first failure the launcher reports (it reports none for a writer that starts well). */
function firstFailure(command: WriterCommand, isRoot: boolean): Promise<string> {
  return new Promise((resolve) => writerLauncher(command, isRoot)(rendezvous, resolve));
}

describe('writerLauncher', () => {
  it('as root: a writer that exits with an error is reported with its exit code', async () => {
    const script = join(dir, 'failing-writer.cjs');
    writeFileSync(script, 'process.exit(3);\n');
    const message = await firstFailure({ executable: process.execPath, script }, true);
    expect(message).toBe('The writer exited with code 3');
  });

  it('as root: a writer program that cannot be run is reported, naming why', async () => {
    const executable = join(dir, 'no-such-node');
    const message = await firstFailure({ executable, script: join(dir, 'writer.js') }, true);
    expect(message).toMatch(/^The writer could not start: spawn .*no-such-node ENOENT/);
  });

  it('without root and without a prompt program: says what to install or how to run instead', async (ctx) => {
    // Where pkexec or kdesudo exists the prompt would really appear: not for a test.
    const prompts = ['/usr/bin/pkexec', '/usr/bin/kdesudo'].filter((path) => existsSync(path));
    requirePrerequisite(
      ctx,
      process.platform === 'linux' && prompts.length === 0,
      `Linux without pkexec or kdesudo (found: ${prompts.join(', ') || 'not Linux'})`,
      { allowSkip: true },
    );
    const script = join(dir, 'writer.js');
    const message = await firstFailure({ executable: process.execPath, script }, false);
    expect(message).toContain('The writer needs administrator rights to write the card');
    expect(message).toContain('Unable to find pkexec or kdesudo');
    expect(message).toContain('Install polkit');
    expect(message).toContain('run kubeflash with sudo');
    expect(message).not.toMatch(/\.\./);
  });
});
