import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { EventMessage } from '../../common/messages';
import type { Backend } from '../../main/backend';
import { kernelDetached, loopCards } from '../support/loop-cards';
import { hasCommand, isRoot, requirePrerequisite } from '../support/prerequisites';
import { createWebTestBackend } from '../support/web-backend';

/**
 * The UI's drive listings and the hot-plug events come from one place. Before, a listing could
 * show a card that the poller never saw (attached and detached between two polls), and the
 * card's row then stayed after it was gone: no event ever said so.
 */
describe('backend drive listings and hot-plug events', () => {
  let backend: Backend | null = null;
  let workDir: string | null = null;
  let cards: ReturnType<typeof loopCards> | null = null;

  afterEach(() => {
    cards?.detachAll();
    cards = null;
    backend?.stop();
    backend = null;
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    workDir = null;
  });

  async function call(method: string, id: number): Promise<unknown> {
    const reply = await backend!.dispatch({ type: 'call', id, method, params: {} });
    expect(reply).toMatchObject({ ok: true });
    return (reply as { value: unknown }).value;
  }

  it('reports the attach and the detach of a card that only a listing saw', async (ctx) => {
    requirePrerequisite(
      ctx,
      isRoot() && hasCommand('losetup'),
      'loop devices need root and losetup',
    );
    workDir = mkdtempSync(join(tmpdir(), 'kubeflash-backend-drives-'));
    // A poll interval far longer than the test: every event must come from the listings.
    backend = await createWebTestBackend({
      settingsOverrides: { includeLoopDevices: true },
      driveListIntervalMs: 3_600_000,
    });
    const events: EventMessage[] = [];
    backend.events.subscribe((message) => events.push(message));
    await call('listDrives', 1); // the first poll is done, whatever it found

    cards = loopCards(workDir);
    const device = cards.attach(8 * 1024 * 1024);
    const image = cards.backingFile(device);
    events.length = 0;

    const targets = (await call('flashTargets', 2)) as { drive: { device: string } }[];
    expect(targets.map((t) => t.drive.device)).toContain(device);
    expect(events).toContainEqual(
      expect.objectContaining({
        event: 'driveAttached',
        payload: expect.objectContaining({ device }),
      }),
    );

    cards.detach(device);
    await kernelDetached(device, image, 5_000);
    events.length = 0;

    const drives = (await call('listDrives', 3)) as { description: string }[];
    expect(drives.map((d) => d.description).join('\n')).not.toContain(image);
    expect(events).toContainEqual({ type: 'event', event: 'driveDetached', payload: { device } });
  });
});
