import { afterEach, describe, expect, it, vi } from 'vitest';

import type { Drive } from '../../../common/drives';
import { diffDrives, type DriveChanges, DriveWatcher } from '../../../main/flash/drive-watcher';

function drive(device: string, overrides: Partial<Drive> = {}): Drive {
  return {
    device,
    description: `Card ${device}`,
    size: 16 * 1024 ** 3,
    removable: true,
    system: false,
    readOnly: false,
    mountpoints: [],
    loop: false,
    ...overrides,
  };
}

describe('diffDrives', () => {
  it('reports nothing for identical lists', () => {
    const list = [drive('/dev/sda'), drive('/dev/sdb')];
    expect(
      diffDrives(
        list,
        list.map((d) => ({ ...d })),
      ),
    ).toEqual({ attached: [], detached: [] });
    expect(diffDrives([], [])).toEqual({ attached: [], detached: [] });
  });

  it('reports new drives as attached', () => {
    const sdb = drive('/dev/sdb');
    expect(diffDrives([drive('/dev/sda')], [drive('/dev/sda'), sdb])).toEqual({
      attached: [sdb],
      detached: [],
    });
  });

  it('reports every drive of a first listing as attached', () => {
    const list = [drive('/dev/sda'), drive('/dev/sdb')];
    expect(diffDrives([], list)).toEqual({ attached: list, detached: [] });
  });

  it('reports missing drives as detached', () => {
    expect(diffDrives([drive('/dev/sda'), drive('/dev/sdb')], [drive('/dev/sda')])).toEqual({
      attached: [],
      detached: ['/dev/sdb'],
    });
  });

  it.each([
    ['size', { size: 64 * 1024 ** 3 }],
    ['mountpoints', { mountpoints: ['/media/boot'] }],
    ['read-only flag', { readOnly: true }],
    ['description', { description: 'Another card' }],
  ])('reports a change of %s as detached and attached again', (_label, change) => {
    const before = drive('/dev/sdb');
    const after = drive('/dev/sdb', change);
    expect(diffDrives([drive('/dev/sda'), before], [drive('/dev/sda'), after])).toEqual({
      attached: [after],
      detached: ['/dev/sdb'],
    });
  });

  it('handles attach, detach and change together', () => {
    const changed = drive('/dev/sdb', { size: 1 });
    const added = drive('/dev/sdc');
    const changes = diffDrives([drive('/dev/sda'), drive('/dev/sdb')], [changed, added]);
    expect(changes.attached).toEqual([changed, added]);
    expect([...changes.detached].sort()).toEqual(['/dev/sda', '/dev/sdb']);
  });
});

describe('DriveWatcher', () => {
  let watcher: DriveWatcher | null = null;

  afterEach(() => {
    watcher?.stop();
    watcher = null;
    vi.useRealTimers();
  });

  /** A list function that answers from a script of listings (the last one repeats). */
  function scriptedList(script: (Drive[] | Error)[]) {
    let i = 0;
    return vi.fn(async () => {
      const step = script[Math.min(i, script.length - 1)]!;
      i += 1;
      if (step instanceof Error) throw step;
      return step;
    });
  }

  it('reports the first listing, then only changes', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const sdb = drive('/dev/sdb');
    const list = scriptedList([[sda], [sda], [sda, sdb], [sdb]]);
    const onChange = vi.fn<(changes: DriveChanges) => void>();
    watcher = new DriveWatcher({ list, onChange, intervalMs: 100 });
    watcher.start();

    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenLastCalledWith({ attached: [sda], detached: [] });

    await vi.advanceTimersByTimeAsync(100); // same listing: no event
    expect(list).toHaveBeenCalledTimes(2);
    expect(onChange).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(100);
    expect(onChange).toHaveBeenCalledTimes(2);
    expect(onChange).toHaveBeenLastCalledWith({ attached: [sdb], detached: [] });

    await vi.advanceTimersByTimeAsync(100);
    expect(onChange).toHaveBeenCalledTimes(3);
    expect(onChange).toHaveBeenLastCalledWith({ attached: [], detached: ['/dev/sda'] });

    await vi.advanceTimersByTimeAsync(500); // the last listing repeats: quiet
    expect(list.mock.calls.length).toBeGreaterThanOrEqual(8);
    expect(onChange).toHaveBeenCalledTimes(3);
  });

  it('does not report an empty first listing', async () => {
    vi.useFakeTimers();
    const list = scriptedList([[]]);
    const onChange = vi.fn();
    watcher = new DriveWatcher({ list, onChange, intervalMs: 50 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(200);
    expect(list.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('reports list errors and keeps polling', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const failure = new Error('lsblk failed');
    const list = scriptedList([failure, failure, [sda]]);
    const onChange = vi.fn();
    const onError = vi.fn();
    watcher = new DriveWatcher({ list, onChange, onError, intervalMs: 100 });
    watcher.start();

    await vi.advanceTimersByTimeAsync(0);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(failure);
    expect(onChange).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(200);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith({ attached: [sda], detached: [] });
  });

  it('keeps the last good listing across an error', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const list = scriptedList([[sda], new Error('transient'), [sda]]);
    const onChange = vi.fn();
    const onError = vi.fn();
    watcher = new DriveWatcher({ list, onChange, onError, intervalMs: 100 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(300);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledTimes(1); // the drive did not "re-attach" after the error
  });

  it('stops polling after stop()', async () => {
    vi.useFakeTimers();
    const list = scriptedList([[drive('/dev/sda')]]);
    const onChange = vi.fn();
    watcher = new DriveWatcher({ list, onChange, intervalMs: 100 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(250);
    const calls = list.mock.calls.length;
    expect(calls).toBe(3);
    watcher.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(list).toHaveBeenCalledTimes(calls);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not poll again when stopped during a listing', async () => {
    vi.useFakeTimers();
    let release: (drives: Drive[]) => void = () => {};
    const list = vi.fn(() => new Promise<Drive[]>((resolve) => (release = resolve)));
    const onChange = vi.fn();
    watcher = new DriveWatcher({ list, onChange, intervalMs: 100 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1);
    watcher.stop();
    release([drive('/dev/sda')]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(list).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ignores a second start()', async () => {
    vi.useFakeTimers();
    const list = scriptedList([[]]);
    watcher = new DriveWatcher({ list, onChange: vi.fn(), intervalMs: 100 });
    watcher.start();
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('polls with real timers and does not keep the process alive', async () => {
    const list = scriptedList([[], [drive('/dev/sdx')]]);
    const changes: DriveChanges[] = [];
    watcher = new DriveWatcher({ list, onChange: (c) => changes.push(c), intervalMs: 10 });
    watcher.start();
    await vi.waitFor(() => expect(changes).toHaveLength(1), { timeout: 2000, interval: 5 });
    expect(changes[0]?.attached.map((d) => d.device)).toEqual(['/dev/sdx']);
  });

  /** A list function whose listings stay open until the test answers them, in any order. */
  function heldList() {
    const answers: ((drives: Drive[] | Error) => void)[] = [];
    const list = vi.fn(
      () =>
        new Promise<Drive[]>((resolve, reject) =>
          answers.push((result) => (result instanceof Error ? reject(result) : resolve(result))),
        ),
    );
    return { list, answer: (call: number, result: Drive[] | Error) => answers[call]!(result) };
  }

  it('reports the removal of a drive that only a refresh saw (between two polls)', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const card = drive('/dev/loop0', { loop: true });
    const list = scriptedList([[sda], [sda, card], [sda]]);
    const changes: DriveChanges[] = [];
    watcher = new DriveWatcher({ list, onChange: (c) => changes.push(c), intervalMs: 1000 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);

    // The UI lists while the card is in; it is gone again before the next poll.
    expect(await watcher.refresh()).toEqual([sda, card]);
    expect(changes.at(-1)).toEqual({ attached: [card], detached: [] });
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes.at(-1)).toEqual({ attached: [], detached: ['/dev/loop0'] });
    expect(list).toHaveBeenCalledTimes(3);
  });

  it('starts a refresh only after the listing under way, so an older listing never wins', async () => {
    vi.useFakeTimers();
    const card = drive('/dev/sdb');
    const { list, answer } = heldList();
    const changes: DriveChanges[] = [];
    watcher = new DriveWatcher({ list, onChange: (c) => changes.push(c), intervalMs: 1000 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1); // the poll, begun before the card came

    const refreshed = watcher.refresh();
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(1); // waits for the poll
    answer(0, []);
    await vi.advanceTimersByTimeAsync(0);
    expect(list).toHaveBeenCalledTimes(2);
    answer(1, [card]);
    expect(await refreshed).toEqual([card]);
    expect(changes).toEqual([{ attached: [card], detached: [] }]);
  });

  it('lets callers that ask while a listing runs share the one that follows it', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const { list, answer } = heldList();
    watcher = new DriveWatcher({ list, onChange: vi.fn(), intervalMs: 1000 });
    const first = watcher.refresh();
    await vi.advanceTimersByTimeAsync(0);
    const second = watcher.refresh();
    const third = watcher.refresh();
    expect(second).toBe(third);
    answer(0, []);
    await vi.advanceTimersByTimeAsync(0);
    answer(1, [sda]);
    expect(await first).toEqual([]);
    expect(await second).toEqual([sda]);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('rejects a failed refresh to its caller and keeps what it knew', async () => {
    vi.useFakeTimers();
    const sda = drive('/dev/sda');
    const failure = new Error('lsblk failed');
    const list = scriptedList([[sda], failure, [sda]]);
    const onChange = vi.fn();
    const onError = vi.fn();
    watcher = new DriveWatcher({ list, onChange, onError, intervalMs: 1000 });
    watcher.start();
    await vi.advanceTimersByTimeAsync(0);
    await expect(watcher.refresh()).rejects.toBe(failure);
    expect(onError).not.toHaveBeenCalled(); // the caller has the error; the poll did not fail
    await vi.advanceTimersByTimeAsync(1000);
    expect(onChange).toHaveBeenCalledTimes(1); // no "re-attach" after the failure
  });
});
