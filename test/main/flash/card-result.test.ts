import { describe, expect, it } from 'vitest';

import { cardResultOnceInputsHold } from '../../../main/flash/card-result';
import type { FlashResult } from '../../../main/flash/writer/protocol';

const written: FlashResult = {
  bytesWritten: 4096,
  verified: true,
  bootFilesVerified: 2,
  ejected: false,
};

/** A promise settled by hand, to order the card's and the image's outcomes. */
function later<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

function run() {
  const card = later<FlashResult>();
  const image = later<string>();
  const cancelled: string[] = [];
  const outcome = cardResultOnceInputsHold(
    { jobId: 'job-1', result: card.promise },
    image.promise,
    (id) => cancelled.push(id),
  );
  outcome.catch(() => {});
  return { card, image, cancelled, outcome };
}

describe('a card written while its image is still being checked (or its payload made)', () => {
  it('is done only once the image checked out too', async () => {
    const { card, image, cancelled, outcome } = run();
    card.resolve(written);
    let settled = false;
    void outcome.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false); // still waiting for the image's hash
    image.resolve('ab'.repeat(32));
    await expect(outcome).resolves.toEqual(written);
    expect(cancelled).toEqual([]);
  });

  it('a mismatch found while writing cancels the write and is the outcome', async () => {
    const { card, image, cancelled, outcome } = run();
    const mismatch = new Error('The image inside x.img.xz does not match its published sha256');
    image.reject(mismatch);
    await new Promise((r) => setTimeout(r, 0));
    expect(cancelled).toEqual(['job-1']);
    card.reject(new Error('Cancelled'));
    await expect(outcome).rejects.toBe(mismatch);
  });

  it('a mismatch found after the card finished still fails the flash', async () => {
    const { card, image, outcome } = run();
    card.resolve(written);
    const mismatch = new Error('mismatch');
    image.reject(mismatch);
    await expect(outcome).rejects.toBe(mismatch);
  });

  it('a card that fails on its own keeps its own error when the image is fine', async () => {
    const { card, image, cancelled, outcome } = run();
    const pulled = new Error('Writing /dev/sdz failed part way (EIO)');
    card.reject(pulled);
    image.resolve('cd'.repeat(32));
    await expect(outcome).rejects.toBe(pulled);
    expect(cancelled).toEqual([]);
  });
});
