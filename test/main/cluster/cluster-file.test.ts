import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { ClusterDocument } from '../../../common/cluster-file';
import { KubeflashError } from '../../../common/errors';
import {
  openClusterFile,
  parseClusterYaml,
  saveClusterFile,
} from '../../../main/cluster/cluster-file';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-cluster-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const document = {
  apiVersion: 'kubeflash/v1',
  kind: 'Cluster',
  metadata: { name: 'pi-cluster' },
  nodes: [
    { hostname: 'pi-1', role: 'control-plane', address: '10.0.0.11/24' },
    { hostname: 'pi-2', role: 'worker', address: '10.0.0.12/24' },
  ],
  notes: 'a: string with: colons and # hash\nand a second line',
  enabled: true,
  count: 3,
  nothing: null,
};

async function openError(path: string): Promise<KubeflashError> {
  const error = await openClusterFile(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KubeflashError);
  return error as KubeflashError;
}

async function writeCluster(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('openClusterFile', () => {
  it('reads a YAML mapping', async () => {
    const path = await writeCluster(
      'cluster.yaml',
      'apiVersion: kubeflash/v1\nkind: Cluster\nnodes:\n  - hostname: pi-1\n    address: 10.0.0.11/24\n',
    );
    const opened = await openClusterFile(path);
    expect(opened).toEqual({
      path,
      document: {
        apiVersion: 'kubeflash/v1',
        kind: 'Cluster',
        nodes: [{ hostname: 'pi-1', address: '10.0.0.11/24' }],
      },
    });
    expect(ClusterDocument.safeParse(opened.document).success).toBe(true);
  });

  it('reports a missing file as not-found naming the path', async () => {
    const path = join(dir, 'missing.yaml');
    const error = await openError(path);
    expect(error.code).toBe('not-found');
    expect(error.subject).toBe(path);
    expect(error.message).toContain(path);
  });

  it('reports invalid YAML as invalid-file with the line', async () => {
    const lines = ['apiVersion: kubeflash/v1', 'kind: Cluster', 'nodes: [pi-1, pi-2', 'extra: 1'];
    const path = await writeCluster('broken.yaml', `${lines.join('\n')}\n`);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.subject).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/line \d+/);
  });

  it('points at the line holding the mistake', async () => {
    const good = ['apiVersion: kubeflash/v1', 'kind: Cluster', 'metadata:', '  name: x'];
    const path = await writeCluster('quote.yaml', `${good.join('\n')}\nbroken: "unterminated\n`);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    const line = Number(/ line (\d+)/.exec(error.message)?.[1]);
    expect(line).toBeGreaterThan(good.length);
  });

  it.each([
    ['a list', '- a\n- b\n'],
    ['a scalar string', 'just a string\n'],
    ['a number', '42\n'],
    ['an empty file', ''],
    ['only a comment', '# nothing here\n'],
    ['null', 'null\n'],
  ])('refuses %s as invalid-file', async (_label, text) => {
    const path = await writeCluster('not-a-mapping.yaml', text);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.message).toMatch(/mapping/);
    expect(error.subject).toBe(path);
  });

  it('refuses duplicate keys', async () => {
    const path = await writeCluster('dup.yaml', 'kind: Cluster\nnodes: []\nkind: Other\n');
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.message).toMatch(/line 3/);
  });

  it('refuses duplicate keys in nested mappings', async () => {
    const path = await writeCluster(
      'dup2.yaml',
      'kind: Cluster\nmetadata:\n  name: a\n  name: b\n',
    );
    expect((await openError(path)).code).toBe('invalid-file');
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'folder.yaml');
    await mkdir(path);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.message).toContain(path);
  });

  it('refuses a file larger than 4 MiB', async () => {
    const path = await writeCluster('huge.yaml', `a: "${'x'.repeat(4 * 1024 * 1024)}"\n`);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.message).toMatch(/4 MiB/);
  });

  it('refuses alias bombs as invalid-file', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i += 1) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    const path = await writeCluster('bomb.yaml', `${lines.join('\n')}\n`);
    const error = await openError(path);
    expect(error.code).toBe('invalid-file');
    expect(error.subject).toBe(path);
  });
});

describe('parseClusterYaml', () => {
  it('names the source in errors', () => {
    expect(() => parseClusterYaml('- x\n', 'pasted text')).toThrow(/pasted text/);
  });
});

describe('saveClusterFile', () => {
  it('writes YAML that reads back as the same document, mode 0600', async () => {
    const path = join(dir, 'cluster.yaml');
    const saved = await saveClusterFile(path, document);
    expect(saved).toEqual({ path, backupPath: null });
    expect(parse(await readFile(path, 'utf8'))).toEqual(document);
    expect((await openClusterFile(path)).document).toEqual(document);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['cluster.yaml']);
  });

  it('keeps the first version as .bak on the second save', async () => {
    const path = join(dir, 'cluster.yaml');
    const second = { ...document, metadata: { name: 'renamed' } };
    await saveClusterFile(path, document);
    const saved = await saveClusterFile(path, second);
    expect(saved.backupPath).toBe(`${path}.bak`);
    expect((await openClusterFile(path)).document).toEqual(second);
    expect(parse(await readFile(`${path}.bak`, 'utf8'))).toEqual(document);
    expect((await stat(`${path}.bak`)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['cluster.yaml', 'cluster.yaml.bak']);
  });

  it('reports a missing folder as not-found and writes nothing', async () => {
    const path = join(dir, 'no-such-folder', 'cluster.yaml');
    const error = await saveClusterFile(path, document).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect((error as KubeflashError).code).toBe('not-found');
    expect((error as KubeflashError).subject).toBe(path);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses to save over a directory', async () => {
    const path = join(dir, 'folder.yaml');
    await mkdir(path);
    const error = await saveClusterFile(path, document).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect((error as KubeflashError).code).toBe('invalid-file');
    expect((await stat(path)).isDirectory()).toBe(true);
    expect(await readdir(dir)).toEqual(['folder.yaml']);
  });
});
