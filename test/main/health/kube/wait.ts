import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Poll until `probe` returns a value (bounded: at most `limitMs`, then a failure naming what
 * was awaited). Not a timing assertion: the limit only keeps a broken test from hanging.
 */
export async function waitUntil<T>(
  what: string,
  probe: () => T | undefined,
  limitMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(10);
  }
}
