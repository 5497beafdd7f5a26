import { copyFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileDisk } from 'file-disk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyBootPayload, PartitionIO, readBackPayload } from '../../../../main/provision/disk';
import { FatVolume } from '../../../../main/provision/disk/fat/volume';
import {
  type FixtureImage,
  makeFixtureImage,
  missingFixtureTools,
  mtoolsEnv,
  requireFixtureTools,
  run,
} from '../../../support/fixture-images';
import { samplePayload } from './helpers';

describe('readBackPayload', () => {
  let dir: string;
  let image: FixtureImage;
  const payload = samplePayload('ubuntu');

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-readback-'));
    image = await makeFixtureImage('ubuntu', dir);
    await applyBootPayload(image.path, payload);
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function tampered(
    change: (path: string, offset: number) => Promise<void>,
  ): Promise<string> {
    const path = join(dir, `tampered-${Math.random().toString(36).slice(2)}.img`);
    await copyFile(image.path, path);
    await change(path, image.boot!.offset);
    return path;
  }

  async function mtoolsWrite(
    path: string,
    offset: number,
    file: string,
    content: string,
  ): Promise<void> {
    const local = join(dir, 'local.tmp');
    await writeFile(local, content);
    await run('mcopy', ['-o', '-i', `${path}@@${offset}`, local, `::/${file}`], { env: mtoolsEnv });
  }

  it('finds nothing wrong right after applying', async (ctx) => {
    requireFixtureTools(ctx);
    expect(await readBackPayload(image.path, payload)).toEqual([]);
  });

  it('finds changed, missing and un-edited files and an unsynced FAT', async (ctx) => {
    requireFixtureTools(ctx);
    const changed = await tampered((path, offset) =>
      mtoolsWrite(path, offset, 'user-data', '#cloud-config\n'),
    );
    expect(await readBackPayload(changed, payload)).toEqual([
      {
        path: 'user-data',
        problem: 'content',
        detail: expect.stringMatching(/expected 43 bytes, found 14; first difference at byte 14/),
      },
    ]);

    const missing = await tampered((path, offset) =>
      run('mdel', ['-i', `${path}@@${offset}`, '::/kubeflash/ssh/ssh_host_ed25519_key'], {
        env: mtoolsEnv,
      }).then(() => undefined),
    );
    expect(await readBackPayload(missing, payload)).toEqual([
      {
        path: 'kubeflash/ssh/ssh_host_ed25519_key',
        problem: 'missing',
        detail: expect.any(String),
      },
    ]);

    const unedited = await tampered((path, offset) =>
      mtoolsWrite(path, offset, 'cmdline.txt', 'console=tty1 quiet\n'),
    );
    expect(await readBackPayload(unedited, payload)).toEqual([
      { path: 'cmdline.txt', problem: 'edit', detail: expect.stringMatching(/console=tty1 quiet/) },
    ]);

    const unsynced = await tampered(async (path, offset) => {
      const handle = await open(path, 'r+');
      try {
        const volume = await FatVolume.open(
          new PartitionIO(new FileDisk(handle), offset, image.boot!.size),
        );
        const fat = await volume.table();
        await volume.setFatEntry(fat.firstFree()!, fat.endOfChain); // first FAT only
      } finally {
        await handle.close();
      }
    });
    const problems = await readBackPayload(unsynced, payload);
    expect(problems.map((p) => [p.path, p.problem])).toEqual([
      [null, 'fat'],
      [null, 'fat'],
    ]);
    expect(problems[0]?.detail).toBe('FAT copy 2 differs from copy 1');
  });
});
