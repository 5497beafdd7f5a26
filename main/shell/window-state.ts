import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import { writeFileAtomic } from '../storage';
import { minimumWindowSize } from './window-options';

const WindowState = z.object({
  width: z.number().int().min(minimumWindowSize.width).max(20000),
  height: z.number().int().min(minimumWindowSize.height).max(20000),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof WindowState>;

const defaultState: WindowState = { width: 1200, height: 800, maximized: false };

/** The remembered window size and place; anything unreadable falls back to the default. */
export async function loadWindowState(dir: string): Promise<WindowState> {
  try {
    return WindowState.parse(JSON.parse(await readFile(join(dir, 'window-state.json'), 'utf8')));
  } catch {
    return defaultState;
  }
}

export async function saveWindowState(dir: string, state: WindowState): Promise<void> {
  await writeFileAtomic(join(dir, 'window-state.json'), JSON.stringify(state), { mode: 0o600 });
}
