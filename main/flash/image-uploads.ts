import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Image files uploaded by the browser UI (web mode: a browser gives no path, so a dropped file is
 * sent to the server). They live beside the image cache, one folder per upload, and go when the
 * cache is cleared or when newer uploads need the room.
 */
export function imageUploadsDir(cacheDir: string): string {
  return join(cacheDir, 'uploads');
}

export interface UploadFolder {
  path: string;
  bytes: number;
  modifiedMs: number;
}

/** Every upload folder with the bytes it holds, oldest first. */
export async function listUploads(uploadsDir: string): Promise<UploadFolder[]> {
  const names = await readdir(uploadsDir).catch(() => [] as string[]);
  const folders: UploadFolder[] = [];
  for (const name of names) {
    const path = join(uploadsDir, name);
    const info = await stat(path).catch(() => null);
    if (!info?.isDirectory()) continue;
    let bytes = 0;
    for (const file of await readdir(path).catch(() => [] as string[])) {
      bytes += (await stat(join(path, file)).catch(() => null))?.size ?? 0;
    }
    folders.push({ path, bytes, modifiedMs: info.mtimeMs });
  }
  return folders.sort((a, b) => a.modifiedMs - b.modifiedMs);
}

/** Remove the oldest uploads until the rest fit in `maxBytes`; `keep` is never removed. */
export async function pruneUploads(
  uploadsDir: string,
  maxBytes: number,
  keep: string,
): Promise<void> {
  const folders = await listUploads(uploadsDir);
  let total = folders.reduce((sum, folder) => sum + folder.bytes, 0);
  for (const folder of folders) {
    if (total <= maxBytes) break;
    if (folder.path === keep) continue;
    await rm(folder.path, { recursive: true, force: true });
    total -= folder.bytes;
  }
}

export async function clearUploads(uploadsDir: string): Promise<void> {
  await rm(uploadsDir, { recursive: true, force: true });
}
