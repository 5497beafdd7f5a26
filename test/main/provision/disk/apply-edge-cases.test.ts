import { open } from 'node:fs/promises';

import { FileDisk } from 'file-disk';
import { describe, expect, it } from 'vitest';

import {
  applyBootPayload,
  findBootPartition,
  PartitionIO,
  readBackPayload,
  readBootFile,
} from '../../../../main/provision/disk';
import { FatVolume } from '../../../../main/provision/disk/fat/volume';
import type { BootPayload } from '../../../../main/provision/model';
import {
  fsckFat,
  makeFixtureImage,
  mtoolsRead,
  pseudoRandomBytes,
  requireFixtureTools,
} from '../../../support/fixture-images';
import { rejection, samplePayload, sha256 } from './helpers';
import { usePristineImages } from './pristine-images';

describe('applyBootPayload edge cases', () => {
  const { copyOf, workDir } = usePristineImages();

  it('overwriting with shorter content leaves no tail and frees the clusters again', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('raspios-bookworm');
    const freeClusters = async (): Promise<number> => {
      const handle = await open(image.path, 'r');
      try {
        const volume = await FatVolume.open(
          new PartitionIO(new FileDisk(handle, true), image.boot!.offset, image.boot!.size),
        );
        return (await volume.table()).freeCount();
      } finally {
        await handle.close();
      }
    };
    const initialFree = await freeClusters();
    const long = pseudoRandomBytes(20_000, 3);
    const short = Buffer.from('short now\n');
    const family = 'raspios-bookworm';
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'kubeflash/blob', content: long }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'kubeflash/blob')).toEqual(
      Buffer.from(long),
    );
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'kubeflash/blob', content: short }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'kubeflash/blob')).toEqual(short);
    // One cluster for the folder, one for the file: the 39 others of the long version are free.
    expect(await freeClusters()).toBe(initialFree - 2);
    // Shorter than the card's own file, too.
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'config.txt', content: short }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'config.txt')).toEqual(short);
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('writes empty files as FAT wants them (no cluster) and can overwrite them later', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('ubuntu');
    const family = 'ubuntu';
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'ssh', content: new Uint8Array() }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'ssh')).toEqual(Buffer.alloc(0));
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'ssh', content: Buffer.from('x') }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'ssh')).toEqual(Buffer.from('x'));
    await applyBootPayload(image.path, {
      family,
      files: [{ path: 'user-data', content: new Uint8Array() }],
      edits: [],
    });
    expect(await mtoolsRead(image.path, image.boot!.offset, 'user-data')).toEqual(Buffer.alloc(0));
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
  });

  it('applies an edit on top of a cmdline.txt the payload itself writes', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('alpine');
    const payload: BootPayload = {
      family: 'alpine',
      files: [{ path: 'cmdline.txt', content: Buffer.from('modules=loop quiet\n') }],
      edits: [{ path: 'cmdline.txt', ensure: ['cgroup_memory=1'], remove: ['quiet'] }],
    };
    await applyBootPayload(image.path, payload);
    expect((await mtoolsRead(image.path, image.boot!.offset, 'cmdline.txt')).toString()).toBe(
      'modules=loop cgroup_memory=1\n',
    );
    expect(await readBackPayload(image.path, payload)).toEqual([]);
  });

  it('writes onto an already-open Disk (copy-on-write, as in the flash engine) without touching the file', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('raspios-trixie');
    const before = await sha256(image.path);
    const handle = await open(image.path, 'r');
    try {
      const disk = new FileDisk(handle, true, true);
      const payload = samplePayload('raspios-trixie');
      const result = await applyBootPayload(disk, payload);
      expect(result.written).toHaveLength(4);
      const boot = await findBootPartition(disk);
      expect(await readBootFile(disk, boot, 'kubeflash/bootstrap/node.env')).toEqual(
        Buffer.from(payload.files[1]!.content),
      );
      expect(await readBackPayload(disk, payload)).toEqual([]);
    } finally {
      await handle.close();
    }
    expect(await sha256(image.path)).toBe(before);
  });

  it('refuses bad payload paths and conflicts before writing anything', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('raspios-bookworm');
    const before = await sha256(image.path);
    const family = 'raspios-bookworm';
    const content = Buffer.from('x');
    const cases: [string, BootPayload, RegExp][] = [
      ['parent path', { family, files: [{ path: '../escape', content }], edits: [] }, /"\.\."/],
      ['empty part', { family, files: [{ path: 'a//b', content }], edits: [] }, /empty/],
      [
        'bad character',
        { family, files: [{ path: 'kube:flash', content }], edits: [] },
        /cannot contain/,
      ],
      [
        'trailing dot',
        { family, files: [{ path: 'name.', content }], edits: [] },
        /ends with a dot/,
      ],
      [
        'case duplicate',
        {
          family,
          files: [
            { path: 'A.txt', content },
            { path: 'a.TXT', content },
          ],
          edits: [],
        },
        /twice/,
      ],
      [
        'existing folder',
        { family, files: [{ path: 'overlays', content }], edits: [] },
        /has a folder of that name/,
      ],
      [
        'file as folder',
        { family, files: [{ path: 'config.txt/x', content }], edits: [] },
        /a file of that name exists/,
      ],
      [
        'bad argument',
        { family, files: [], edits: [{ path: 'cmdline.txt', ensure: ['two words'], remove: [] }] },
        /one argument/,
      ],
    ];
    for (const [what, payload, message] of cases) {
      const error = await applyBootPayload(image.path, payload).then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error, what).toBeInstanceOf(Error);
      expect(error?.message, what).toMatch(message);
    }
    expect(await sha256(image.path)).toBe(before);
  });

  it('reports a missing cmdline.txt clearly (an image that does not boot a Pi)', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await copyOf('unknown');
    const before = await sha256(image.path);
    const error = await rejection(applyBootPayload(image.path, samplePayload('raspios-bookworm')));
    expect(error.problem).toBe('boot-file-missing');
    expect(error.subject).toBe('cmdline.txt');
    expect(error.message).toMatch(/cmdline\.txt is not on the boot partition/);
    expect(await sha256(image.path)).toBe(before);
  });

  it('reports a full boot partition (and writes FAT12 too)', async (ctx) => {
    requireFixtureTools(ctx);
    // FAT12 with 8 KiB clusters: few clusters, so filling it is quick.
    const image = await makeFixtureImage('unknown', workDir(), {
      fatBits: 12,
      fileName: 'fat12.img',
    });
    const small = { path: 'kubeflash/a/b.txt', content: Buffer.from('fits\n') };
    await applyBootPayload(image.path, { family: 'alpine', files: [small], edits: [] });
    expect(await mtoolsRead(image.path, image.boot!.offset, small.path)).toEqual(small.content);
    expect((await fsckFat(image.path, image.boot!)).code).toBe(0);
    const error = await rejection(
      applyBootPayload(image.path, {
        family: 'alpine',
        files: [{ path: 'huge.bin', content: Buffer.alloc(24 * 1024 * 1024) }],
        edits: [],
      }),
    );
    expect(error.problem).toBe('write-failed');
    expect(error.message).toMatch(
      /Writing huge\.bin to the boot partition failed: the boot partition is full/,
    );
  });
});
