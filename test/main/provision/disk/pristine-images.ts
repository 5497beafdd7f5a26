import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll } from 'vitest';

import {
  type FixtureImage,
  type FixtureKind,
  makeFixtureImage,
  missingFixtureTools,
} from '../../../support/fixture-images';

/** The fixture kinds that are real OS layouts. */
export const osKinds = [
  'raspios-bookworm',
  'raspios-trixie',
  'ubuntu',
  'hypriot',
  'alpine',
  'alpine-legacy',
] as const satisfies readonly FixtureKind[];

/**
 * Builds each fixture once for a test file (in beforeAll, removed in afterAll) and hands out
 * fresh copies, so every test writes to an image of its own.
 */
export function usePristineImages(): {
  copyOf: (kind: FixtureKind) => Promise<FixtureImage>;
  workDir: () => string;
} {
  let dir: string | undefined;
  const pristine = new Map<string, FixtureImage>();
  let counter = 0;
  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-apply-'));
    for (const kind of [...osKinds, 'unknown'] as const)
      pristine.set(kind, await makeFixtureImage(kind, dir));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    copyOf: async (kind) => {
      const image = pristine.get(kind)!;
      const path = join(dir!, `copy-${counter++}-${kind}.img`);
      await copyFile(image.path, path);
      return { ...image, path };
    },
    workDir: () => dir!,
  };
}
