import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

export type TarEntry =
  | { type: 'directory'; name: string; mode: number }
  | { type: 'file'; name: string; mode: number; content: string | Uint8Array }
  | { type: 'symlink'; name: string; target: string };

const gzipAsync = promisify(gzip);

/**
 * A .tar.gz as lbu writes an apkovl: relative names (no `./`, which apk's overlay list would
 * not match), owned by root, one mtime for every entry so the same input gives the same bytes.
 */
export async function tarGz(entries: readonly TarEntry[], mtime: Date): Promise<Uint8Array> {
  // Loaded on use: only Alpine cards carry an apkovl.
  const { default: tar } = await import('tar-stream');
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  for (const entry of entries) {
    if (entry.type === 'file') {
      pack.entry(
        { ...owner, name: entry.name, type: 'file', mode: entry.mode },
        Buffer.from(entry.content),
      );
    } else if (entry.type === 'directory') {
      const name = entry.name.endsWith('/') ? entry.name : `${entry.name}/`;
      pack.entry({ ...owner, name, type: 'directory', mode: entry.mode });
    } else {
      pack.entry({
        ...owner,
        name: entry.name,
        type: 'symlink',
        linkname: entry.target,
        mode: 0o777,
      });
    }
  }
  pack.finalize();
  await ended;
  return new Uint8Array(await gzipAsync(Buffer.concat(chunks), { level: 9 }));
}
