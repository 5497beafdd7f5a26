import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { startImageEarly } from '../../../main/cli/early-image';

describe('starting the image preparation as flash begins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-early-image-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts only for an image file: not without --image, not for a catalog id', () => {
    expect(startImageEarly(undefined, join(dir, 'cache'))).toBeNull();
    expect(startImageEarly('raspios-lite-bookworm', join(dir, 'cache'))).toBeNull();
  });

  it('prepares the file named, and its failure reaches whoever follows it', async () => {
    const file = join(dir, 'not-an-image.img');
    writeFileSync(file, 'this is text, not a disk image');
    const started = startImageEarly(file, join(dir, 'cache'))!;
    expect(started.text).toBe(file);
    await expect(started.follow(() => {}, new AbortController().signal)).rejects.toThrow(
      /not-an-image\.img/,
    );
  });
});
