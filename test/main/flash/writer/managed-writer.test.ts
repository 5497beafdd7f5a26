import { describe, expect, it } from 'vitest';

import type { WriterConnection } from '../../../../main/flash/writer/host';
import { ManagedWriter } from '../../../../main/flash/writer/managed-writer';

/** A stand-in connection: only what ManagedWriter looks at. */
function connection(name: string) {
  const fake = { name, closed: false, close: () => void (fake.closed = true) };
  return fake as typeof fake & WriterConnection;
}

function counting(make: () => Promise<WriterConnection>) {
  const starts: number[] = [];
  const start = () => {
    starts.push(starts.length + 1);
    return make();
  };
  return { start, starts };
}

describe('ManagedWriter', () => {
  it('starts the writer on first use, once, and shares it', async () => {
    const only = connection('only');
    const { start, starts } = counting(async () => only);
    const writer = new ManagedWriter(start);
    expect(starts).toHaveLength(0);
    const [a, b] = await Promise.all([writer.get(), writer.get()]);
    expect(a).toBe(only);
    expect(b).toBe(only);
    expect(starts).toHaveLength(1);
  });

  it('takes over a writer started early instead of starting another', async () => {
    const early = connection('early');
    const { start, starts } = counting(async () => connection('late'));
    const writer = new ManagedWriter(start, Promise.resolve(early));
    expect(await writer.get()).toBe(early);
    expect(starts).toHaveLength(0);
    writer.close();
    await Promise.resolve();
    expect(early.closed).toBe(true);
  });

  it('starts anew when the early start failed or the writer went away', async () => {
    const failed = Promise.reject(new Error('prompt cancelled'));
    failed.catch(() => {});
    const made: WriterConnection[] = [];
    const { start, starts } = counting(async () => {
      const next = connection(`start ${made.length + 1}`);
      made.push(next);
      return next;
    });
    const writer = new ManagedWriter(start, failed);
    const first = await writer.get();
    expect(first).toBe(made[0]);
    first.close(); // the writer process ended
    const second = await writer.get();
    expect(second).toBe(made[1]);
    expect(starts).toHaveLength(2);
  });
});
