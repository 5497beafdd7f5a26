import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { writeFileAtomic } from '../../../main/storage/atomic-write';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-atomic-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

async function withUmask<T>(mask: number, fn: () => Promise<T>): Promise<T> {
  const previous = process.umask(mask);
  try {
    return await fn();
  } finally {
    process.umask(previous);
  }
}

describe('writeFileAtomic', () => {
  it('creates a new file with the content and mode 0600', async () => {
    const file = join(dir, 'cluster.yaml');
    const result = await writeFileAtomic(file, 'kind: Cluster\n');
    expect(await readFile(file, 'utf8')).toBe('kind: Cluster\n');
    expect(await modeOf(file)).toBe(0o600);
    expect(result.backupPath).toBeNull();
    expect(await readdir(dir)).toEqual(['cluster.yaml']);
  });

  it('keeps 0600 under a permissive umask', async () => {
    const file = join(dir, 'secret.key');
    await withUmask(0o000, () => writeFileAtomic(file, 'key'));
    expect(await modeOf(file)).toBe(0o600);
  });

  it('writes binary data unchanged', async () => {
    const file = join(dir, 'blob.bin');
    const data = new Uint8Array([0, 255, 1, 254, 10, 13]);
    await writeFileAtomic(file, data);
    expect(new Uint8Array(await readFile(file))).toEqual(data);
  });

  it.each([0o644, 0o640, 0o400])(
    'respects the mode option %o even under a restrictive umask',
    async (mode) => {
      const file = join(dir, 'public.txt');
      await withUmask(0o077, () => writeFileAtomic(file, 'x', { mode }));
      expect(await modeOf(file)).toBe(mode);
    },
  );

  it('narrows the mode of an existing permissive file it replaces', async () => {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, 'old', { mode: 0o666 });
    await writeFileAtomic(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await modeOf(file)).toBe(0o600);
  });

  it('keeps the previous version as .bak when asked', async () => {
    const file = join(dir, 'cluster.yaml');
    await writeFileAtomic(file, 'version: 1\n', { backup: true });
    const result = await writeFileAtomic(file, 'version: 2\n', { backup: true });
    expect(result.backupPath).toBe(`${file}.bak`);
    expect(await readFile(file, 'utf8')).toBe('version: 2\n');
    expect(await readFile(`${file}.bak`, 'utf8')).toBe('version: 1\n');
    expect(await modeOf(`${file}.bak`)).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['cluster.yaml', 'cluster.yaml.bak']);
  });

  it('reports no backup when there was no previous file', async () => {
    const file = join(dir, 'first.yaml');
    const result = await writeFileAtomic(file, 'a', { backup: true });
    expect(result.backupPath).toBeNull();
    expect(await readdir(dir)).toEqual(['first.yaml']);
  });

  it('makes no backup without the option', async () => {
    const file = join(dir, 'c.yaml');
    await writeFileAtomic(file, 'one');
    const result = await writeFileAtomic(file, 'two');
    expect(result.backupPath).toBeNull();
    expect(await readdir(dir)).toEqual(['c.yaml']);
  });

  it('leaves no temporary files after many writes', async () => {
    const file = join(dir, 'state.json');
    await Promise.all(Array.from({ length: 10 }, (_, i) => writeFileAtomic(file, `{"n":${i}}`)));
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty('n');
  });

  it('fails cleanly when the target is a directory', async () => {
    const target = join(dir, 'taken');
    await mkdir(target);
    await writeFile(join(target, 'inside.txt'), 'keep me');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({
      code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/),
    });
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readFile(join(target, 'inside.txt'), 'utf8')).toBe('keep me');
    expect(await readdir(dir)).toEqual(['taken']);
  });

  it('fails cleanly when the folder does not exist', async () => {
    const file = join(dir, 'missing', 'cluster.yaml');
    await expect(writeFileAtomic(file, 'data')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('leaves the original untouched when the backup cannot be written', async () => {
    const file = join(dir, 'cluster.yaml');
    await writeFile(file, 'original\n', { mode: 0o600 });
    await mkdir(`${file}.bak`); // a folder where the backup should go: copying over it fails
    await expect(writeFileAtomic(file, 'replacement\n', { backup: true })).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('original\n');
    expect((await readdir(dir)).sort()).toEqual(['cluster.yaml', 'cluster.yaml.bak']);
  });

  it('leaves the original untouched when the data cannot be written', async () => {
    const file = join(dir, 'cluster.yaml');
    await writeFile(file, 'original\n');
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
    expect(await readFile(file, 'utf8')).toBe('original\n');
    expect(await readdir(dir)).toEqual(['cluster.yaml']);
  });
});
