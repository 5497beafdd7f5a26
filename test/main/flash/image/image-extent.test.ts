import { describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import { ImageExtent } from '../../../../main/flash/image/image-extent';

const never = new AbortController().signal;

/** Which of the waits have resolved (true), rejected (the message) or are pending (null). */
function track(waits: Promise<void>[]) {
  const outcomes: (true | string | null)[] = waits.map(() => null);
  waits.forEach((wait, i) =>
    wait.then(
      () => (outcomes[i] = true),
      (error: Error) => (outcomes[i] = error.message),
    ),
  );
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return outcomes;
  };
}

describe('ImageExtent', () => {
  it('lets each read through once the image reaches past it, and all once it is complete', async () => {
    const extent = new ImageExtent(10_000);
    expect(extent.available).toBe(0);
    const outcomes = track([
      extent.waitFor(4096, never),
      extent.waitFor(8192, never),
      extent.waitFor(10_000, never),
    ]);
    expect(await outcomes()).toEqual([null, null, null]);
    extent.grow(4096, false);
    expect(await outcomes()).toEqual([true, null, null]);
    extent.grow(9000, false);
    expect(await outcomes()).toEqual([true, true, null]);
    extent.grow(10_000, true);
    expect(await outcomes()).toEqual([true, true, true]);
    expect(extent.complete).toBe(true);
    await expect(extent.waitFor(10_000, never)).resolves.toBeUndefined();
  });

  it('lets a read that runs past the image end through once the image is complete', async () => {
    const extent = new ImageExtent(10_000);
    const outcomes = track([
      extent.waitToRead(8192, 4096, never),
      extent.waitToRead(0, 4096, never),
    ]);
    extent.grow(9999, false);
    expect(await outcomes()).toEqual([null, true]);
    extent.grow(10_000, true);
    expect(await outcomes()).toEqual([true, true]);
  });

  it('stops waiting when the job is cancelled', async () => {
    const extent = new ImageExtent(10_000);
    const cancel = new AbortController();
    const outcomes = track([extent.waitFor(5000, cancel.signal), extent.waitFor(5000, never)]);
    cancel.abort();
    const [cancelled, other] = await outcomes();
    expect(cancelled).toEqual(expect.any(String));
    expect(other).toBeNull();
    extent.grow(5000, false);
    expect((await outcomes())[1]).toBe(true);
    await expect(extent.waitFor(6000, cancel.signal)).rejects.toThrow();
  });

  it.each([
    ['shrinks', [5000, 4000, false], 'went from 5000 to 4000 bytes'],
    ['goes past its size', [5000, 10_001, false], 'reached 10001 bytes, past its size of 10000'],
    ['ends short', [5000, 9000, true], 'ended at 9000 bytes, not 10000'],
  ] as const)(
    'fails every read when the image %s',
    async (_case, [first, second, complete], detail) => {
      const extent = new ImageExtent(10_000);
      extent.grow(first, false);
      const waiting = extent.waitFor(10_000, never);
      extent.grow(second, complete);
      await expect(waiting).rejects.toThrow(detail);
      await expect(extent.waitFor(100, never)).rejects.toThrow('did not grow as announced');
      expect(extent.available).toBe(first);
    },
  );

  it('tells subscribers how far it is, from now on, until it is complete', () => {
    const extent = new ImageExtent(10_000);
    extent.grow(1000, false);
    const seen: string[] = [];
    const unsubscribe = extent.subscribe((bytes, complete) =>
      seen.push(`${bytes}${complete ? '!' : ''}`),
    );
    extent.grow(4000, false);
    const other: number[] = [];
    const stop = extent.subscribe((bytes) => other.push(bytes));
    stop();
    extent.grow(10_000, true);
    unsubscribe();
    expect(seen).toEqual(['1000', '4000', '10000!']);
    expect(other).toEqual([4000]);
  });

  it('an abandoned image fails every read with the reason, and tells subscribers nothing more', async () => {
    const extent = new ImageExtent(10_000);
    const seen: number[] = [];
    extent.subscribe((bytes) => seen.push(bytes));
    const waiting = extent.waitFor(5000, never);
    extent.abandon(new KubeflashError('invalid-file', 'image.xz is damaged'));
    await expect(waiting).rejects.toThrow('image.xz is damaged');
    await expect(extent.waitFor(1, never)).rejects.toThrow('image.xz is damaged');
    extent.grow(6000, false);
    expect(seen).toEqual([0]);
    // Complete already: abandoning changes nothing.
    const done = new ImageExtent(10);
    done.grow(10, true);
    done.abandon(new KubeflashError('internal', 'late'));
    await expect(done.waitFor(10, never)).resolves.toBeUndefined();
  });

  it('needs a final size', () => {
    expect(() => new ImageExtent(0)).toThrow('final size');
    expect(() => new ImageExtent(1.5)).toThrow('final size');
  });
});
