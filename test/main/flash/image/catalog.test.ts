import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  builtinImages,
  type Fetcher,
  findChecksum,
  ImageError,
  loadCatalogs,
  OsList,
  parseCatalog,
  publishedChecksum,
} from '../../../../main/flash/image';
import { type LoopbackServer, startLoopbackServer } from './loopback-server';

const builtinPath = join(__dirname, '../../../../resources/os-list.json');
const builtinJson = JSON.parse(readFileSync(builtinPath, 'utf8')) as unknown;
const hash = (c: string) => c.repeat(64);

function image(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    description: `${name} for tests`,
    url: `https://example.invalid/${name.toLowerCase().replace(/\W+/g, '-')}.img.xz`,
    image_download_sha256: hash('a'),
    release_date: '2025-01-01',
    ...extra,
  };
}

function parseError(data: unknown): ImageError {
  try {
    parseCatalog(data, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).problem).toBe('invalid-catalog');
    return error as ImageError;
  }
  throw new Error('the catalog was accepted');
}

describe('the built-in catalog (resources/os-list.json)', () => {
  it('is a valid os_list', () => {
    const result = OsList.safeParse(builtinJson);
    expect(result.success, JSON.stringify(result.error?.issues)).toBe(true);
  });

  it('offers every OS family with its checksum state', () => {
    const images = builtinImages();
    expect(images.map((i) => [i.id, i.family, i.checksum])).toEqual([
      ['raspios-lite-trixie-arm64', 'raspios-trixie', 'published'],
      ['raspios-lite-bookworm-arm64', 'raspios-bookworm', 'published'],
      ['ubuntu-server-24.04.3-arm64', 'ubuntu', 'sidecar'],
      ['hypriotos-1.12.3', 'hypriot', 'not-published'],
      ['alpine-rpi-3.23.2-aarch64', 'alpine', 'sidecar'],
    ]);
    for (const entry of images) {
      expect(entry.url).toMatch(/^https:\/\//);
      expect(entry.source).toBe('built-in');
      if (entry.checksum === 'sidecar') expect(entry.checksumUrl).toMatch(/^https:\/\//);
    }
    expect(images[0]!.group).toEqual(['Raspberry Pi OS Lite (64-bit)']);
    expect(images[0]).toMatchObject({
      downloadSize: 524875608,
      extractSize: 2977955840,
      initFormat: 'cloudinit-rpi',
    });
  });
});

describe('parseCatalog', () => {
  it('flattens groups and derives ids from names', () => {
    const parsed = parseCatalog(
      {
        os_list: [
          { name: 'Group', description: '', subitems: [image('One'), image('Two')] },
          image('Three'),
        ],
      },
      'test.json',
    );
    expect(parsed.images.map((i) => [i.id, i.group])).toEqual([
      ['group-one', ['Group']],
      ['group-two', ['Group']],
      ['three', []],
    ]);
  });

  it('names the nested entry and field that are wrong', () => {
    const error = parseError({
      os_list: [
        {
          name: 'Raspberry Pi OS',
          description: '',
          subitems: [image('Broken one', { image_download_sha256: 'xyz' })],
        },
      ],
    });
    expect(error.message).toContain('test.json');
    expect(error.message).toContain('entry "Raspberry Pi OS › Broken one"');
    expect(error.message).toContain('"image_download_sha256" must be a sha256 checksum');
  });

  it('asks for a checksum or an explicit "not-published"', () => {
    const error = parseError({ os_list: [image('No sum', { image_download_sha256: undefined })] });
    expect(error.message).toContain('entry "No sum"');
    expect(error.message).toContain('"checksum": "not-published"');
    const accepted = parseCatalog(
      {
        os_list: [
          image('No sum', {
            image_download_sha256: undefined,
            kubeflash: { checksum: 'not-published' },
          }),
        ],
      },
      'test.json',
    );
    expect(accepted.images[0]!.checksum).toBe('not-published');
    expect(() =>
      parseCatalog(
        { os_list: [image('Both', { kubeflash: { checksum: 'not-published' } })] },
        'test.json',
      ),
    ).toThrow(/entry "Both": "kubeflash.checksum" says "not-published" but the entry has a sha256/);
  });

  it('rejects unknown init formats, bad URLs, duplicate ids and entries of no kind', () => {
    expect(parseError({ os_list: [image('X', { init_format: 'ignition' })] }).message).toContain(
      'entry "X": "init_format"',
    );
    expect(parseError({ os_list: [image('X', { url: 'ftp://host/x.img' })] }).message).toContain(
      '"url" must be an http(s) URL',
    );
    expect(parseError({ os_list: [image('X'), { name: 'Y', description: '' }] }).message).toContain(
      'entry "Y" is neither an image',
    );
    expect(parseError({ os_list: [image('X'), 42] }).message).toContain('entry os_list[1]');
    expect(
      parseError({
        os_list: [
          image('X', { kubeflash: { id: 'same' } }),
          image('Y', { kubeflash: { id: 'same' } }),
        ],
      }).message,
    ).toContain('the same id "same"');
    expect(parseError({ images: [] }).message).toContain('no "os_list" array');
    expect(
      OsList.safeParse({ os_list: [image('X', { image_download_sha256: 'nope' })] }).success,
    ).toBe(false);
  });
});

describe('loadCatalogs and published checksums', () => {
  let dir: string;
  let server: LoopbackServer | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-catalog-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  /** fetch that refuses anything but the test's own loopback server. */
  function loopbackOnly(origin: string): Fetcher {
    return (url, init) => {
      if (!url.startsWith(`${origin}/`)) throw new Error(`test tried to reach ${url}`);
      return fetch(url, init);
    };
  }

  it('merges a user catalog file: new images added, an equal id replaces the built-in one', async () => {
    const file = join(dir, 'mine.json');
    writeFileSync(
      file,
      JSON.stringify({
        os_list: [
          image('My OS'),
          image('Newer Trixie', {
            kubeflash: { id: 'raspios-lite-trixie-arm64', family: 'raspios-trixie' },
          }),
        ],
      }),
    );
    const { images, problems } = await loadCatalogs({
      user: [file],
      fetch: loopbackOnly('http://127.0.0.1:1'),
    });
    expect(problems).toEqual([]);
    expect(images.find((i) => i.id === 'my-os')?.source).toBe(file);
    const trixie = images.filter((i) => i.id === 'raspios-lite-trixie-arm64');
    expect(trixie.map((i) => [i.name, i.source])).toEqual([['Newer Trixie', file]]);
    expect(images).toHaveLength(builtinImages().length + 1);
  });

  it('reports a broken or missing user catalog and still loads the others', async () => {
    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({ os_list: [image('Bad', { release_date: 'yesterday' })] }),
    );
    const notJson = join(dir, 'not-json.json');
    writeFileSync(notJson, '{ nope');
    const { images, problems } = await loadCatalogs({
      user: [broken, join(dir, 'missing.json'), notJson, 'ftp://host/list.json'],
      fetch: loopbackOnly('http://127.0.0.1:1'),
    });
    expect(images).toHaveLength(builtinImages().length);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/broken\.json is invalid: entry "Bad": "release_date" must be a date/),
      expect.stringMatching(/missing\.json does not exist/),
      expect.stringMatching(/not-json\.json is not valid JSON/),
      expect.stringMatching(/ftp:\/\/host\/list\.json is neither a file nor an http\(s\) address/),
    ]);
  });

  it('loads a user catalog from an http URL and follows its subitems_url', async () => {
    server = await startLoopbackServer((req, res) => {
      const origin = server!.origin;
      const bodies: Record<string, unknown> = {
        '/list.json': {
          os_list: [
            image('Remote'),
            { name: 'More', description: '', subitems_url: `${origin}/more.json` },
          ],
        },
        '/more.json': { os_list: [image('Linked')] },
      };
      const body = bodies[req.url ?? ''];
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(body ? JSON.stringify(body) : 'missing');
    });
    const url = `${server.origin}/list.json`;
    const { images, problems } = await loadCatalogs({
      user: [url, `${server.origin}/gone.json`],
      fetch: loopbackOnly(server.origin),
    });
    expect(images.filter((i) => i.source === url).map((i) => [i.id, i.group])).toEqual([
      ['remote', []],
      ['more-linked', ['More']],
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/gone\.json could not be fetched: the server answered HTTP 404/),
    ]);
    expect(server.requests.map((r) => r.url)).toEqual(['/list.json', '/more.json', '/gone.json']);
  });

  it('fetches a published checksum file, or says the checksum is not published', async () => {
    const sum = hash('c');
    server = await startLoopbackServer((req, res) => {
      if (req.url === '/release/SHA256SUMS') {
        res.end(`${hash('d')} *other.img.xz\n${sum} *ubuntu-server+raspi.img.xz\n`);
      } else {
        res.writeHead(404).end();
      }
    });
    const fetcher = loopbackOnly(server.origin);
    const entry = (sidecar: string) =>
      parseCatalog(
        {
          os_list: [
            image('Ubuntu', {
              url: `${server!.origin}/release/ubuntu-server+raspi.img.xz`,
              image_download_sha256: undefined,
              kubeflash: { image_download_sha256_url: `${server!.origin}${sidecar}` },
            }),
          ],
        },
        'test.json',
      ).images[0]!;
    expect(await publishedChecksum(entry('/release/SHA256SUMS'), { fetch: fetcher })).toEqual({
      sha256: sum,
      state: 'sidecar',
      note: null,
    });
    const missing = await publishedChecksum(entry('/release/NOPE'), { fetch: fetcher });
    expect(missing).toMatchObject({ sha256: null, state: 'not-published' });
    expect(missing.note).toMatch(/HTTP 404/);
    const published = parseCatalog({ os_list: [image('P')] }, 'test.json').images[0]!;
    expect(await publishedChecksum(published, { fetch: fetcher })).toEqual({
      sha256: hash('a'),
      state: 'published',
      note: null,
    });
    expect(server.requests.map((r) => r.url)).toEqual(['/release/SHA256SUMS', '/release/NOPE']);
  });

  it('findChecksum reads sha256sum output and single-hash files', () => {
    expect(findChecksum(`${hash('1')}  a.img.xz\n${hash('2')}  b.img.xz\n`, 'b.img.xz')).toBe(
      hash('2'),
    );
    expect(findChecksum(`${hash('E').toUpperCase()}\n`, 'any.img')).toBe(hash('e'));
    expect(findChecksum(`${hash('1')}  a.img.xz\n`, 'b.img.xz')).toBeNull();
  });
});
