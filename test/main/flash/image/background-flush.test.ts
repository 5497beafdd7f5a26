import { mkdtempSync, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { BackgroundFlush } from '../../../../main/flash/image/background-flush';

/** A real file handle whose datasync calls are counted and can be held back or failed. */
async function watchedHandle(path: string) {
  const handle = await open(path, 'w');
  const calls: Array<{ release: () => void; fail: (error: Error) => void }> = [];
  const datasync = handle.datasync.bind(handle);
  const watched = Object.assign(Object.create(handle) as FileHandle, {
    datasync: () =>
      new Promise<void>((resolve, reject) => {
        calls.push({
          release: () => datasync().then(resolve, reject),
          fail: reject,
        });
      }),
  });
  return { handle, watched, calls };
}

describe('BackgroundFlush', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-background-flush-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('flushes each time the file grew by the step, one flush at a time', async () => {
    const { handle, watched, calls } = await watchedHandle(join(dir, 'grows'));
    try {
      const flush = new BackgroundFlush(watched, 100);
      flush.grewTo(99);
      expect(calls).toHaveLength(0);
      flush.grewTo(100);
      expect(calls).toHaveLength(1);
      flush.grewTo(250); // the first is still under way: no second one
      expect(calls).toHaveLength(1);
      calls[0]!.release();
      await flush.settle();
      flush.grewTo(150); // only 50 more than what was flushed (100)
      expect(calls).toHaveLength(1);
      flush.grewTo(200);
      expect(calls).toHaveLength(2);
      calls[1]!.release();
      await flush.settle();
    } finally {
      await handle.close();
    }
  });

  it('a failed flush is thrown by the next call and by settle', async () => {
    const { handle, watched, calls } = await watchedHandle(join(dir, 'fails'));
    try {
      const flush = new BackgroundFlush(watched, 10);
      flush.grewTo(10);
      calls[0]!.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
      await expect(flush.settle()).rejects.toThrow(/EIO/);
      expect(() => flush.grewTo(20)).toThrow(/EIO/);
    } finally {
      await handle.close();
    }
  });
});
