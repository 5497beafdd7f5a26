import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KubeflashError } from '../../common/errors';
import { defaultSettings, Settings, type SettingsPatch } from '../../common/settings';
import { writeFileAtomic } from '../storage';

/**
 * The user's settings, kept in `<configDir>/settings.json` (or only in memory without a folder).
 * Command-line overrides apply on top and are not written back.
 */
export class SettingsStore {
  #settings: Settings = defaultSettings;

  private constructor(
    private readonly file: string | null,
    private readonly overrides: SettingsPatch,
  ) {}

  static async open(
    configDir: string | null,
    overrides: SettingsPatch = {},
  ): Promise<SettingsStore> {
    const store = new SettingsStore(configDir ? join(configDir, 'settings.json') : null, {
      ...overrides,
    });
    if (store.file) store.#settings = await readSettings(store.file);
    return store;
  }

  get(): Settings {
    return { ...this.#settings, ...this.overrides };
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    this.#settings = Settings.parse({ ...this.#settings, ...patch });
    for (const key of Object.keys(patch) as (keyof SettingsPatch)[]) delete this.overrides[key];
    if (this.file) await writeFileAtomic(this.file, `${JSON.stringify(this.#settings, null, 2)}\n`);
    return this.get();
  }
}

async function readSettings(file: string): Promise<Settings> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings;
    throw error;
  }
  try {
    return Settings.parse(JSON.parse(text));
  } catch (error) {
    throw new KubeflashError(
      'invalid-file',
      `${file} is not a valid settings file (${error instanceof Error ? error.message.split('\n')[0] : error}). Fix or delete it.`,
      file,
    );
  }
}
