import { randomBytes } from 'node:crypto';
import { chmod, copyFile, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode of the new file; defaults to 0600 (cluster files and secrets are private). */
  mode?: number;
  /** Keep the previous version as `<file>.bak`. */
  backup?: boolean;
}

export interface AtomicWriteResult {
  backupPath: string | null;
}

/**
 * Replace a file so that a reader sees the old or the new content, never half of either:
 * write a temporary file in the same folder, flush it, keep a backup, rename over the target,
 * flush the folder. On any failure the original file is untouched and the temporary file removed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<AtomicWriteResult> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = options.mode ?? 0o600;
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the umask may have narrowed or widened it
      await handle.sync();
    } finally {
      await handle.close();
    }
    const backupPath = options.backup ? await backupExisting(path, mode) : null;
    await rename(temp, path);
    await syncDirectory(dir);
    return { backupPath };
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The backup gets the new file's mode: an old 0644 kubeconfig must not leave a 0644 copy. */
async function backupExisting(path: string, mode: number): Promise<string | null> {
  const backupPath = `${path}.bak`;
  try {
    await copyFile(path, backupPath);
    await chmod(backupPath, mode);
    return backupPath;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform can fsync a directory (Windows cannot); the rename is still atomic there.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
