import { existsSync } from 'node:fs';

import { type Browser, chromium, type Locator } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's Chromium where installed (our machines), else a Playwright-installed one. */
export const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) =>
  existsSync(p),
);

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: systemChromium,
    headless: true,
    // No background traffic: tests talk to loopback only.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Chooses a drive on the Flash page: waits until its row is eligible, then ticks its radio.
 * A re-listing (a drive event, the next image's check finishing) can mark the row "checking"
 * for a moment, which disables the radio under the click: then it waits and tries again
 * (three times at most).
 */
export async function chooseDrive(row: Locator): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('eligible');
    try {
      await row.getByTestId('choose-drive').check({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
