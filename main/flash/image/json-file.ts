import { readFile } from 'node:fs/promises';

import type { z } from 'zod';

import { writeFileAtomic } from '../../storage';

/**
 * A small JSON state file of the image cache (its index, the file-hash memo): read with a
 * schema, falling back to `empty` when it is missing or damaged (the cache can always be
 * rebuilt), and replaced atomically.
 */
export async function readJsonFile<T>(
  path: string,
  schema: z.ZodType<T>,
  empty: () => T,
): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty();
    throw error;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : empty();
  } catch {
    return empty();
  }
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
}
