import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../common/errors';
import { defaultSettings, Settings } from '../../../common/settings';
import { SettingsStore } from '../../../main/settings/settings-store';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-settings-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readSettingsFile(): Promise<unknown> {
  return JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'));
}

describe('SettingsStore in memory', () => {
  it('starts with the defaults and keeps updates', async () => {
    const store = await SettingsStore.open(null);
    expect(store.get()).toEqual(defaultSettings);
    expect(await store.update({ includeLoopDevices: true })).toEqual({ includeLoopDevices: true });
    expect(store.get()).toEqual({ includeLoopDevices: true });
  });

  it('keeps separate stores apart', async () => {
    const a = await SettingsStore.open(null);
    const b = await SettingsStore.open(null);
    await a.update({ includeLoopDevices: true });
    expect(b.get().includeLoopDevices).toBe(false);
  });

  it('does not let callers change the settings through the returned object', async () => {
    const store = await SettingsStore.open(null);
    const snapshot = store.get();
    snapshot.includeLoopDevices = true;
    expect(store.get().includeLoopDevices).toBe(false);
    expect(defaultSettings.includeLoopDevices).toBe(false);
  });

  it('refuses invalid values', async () => {
    const store = await SettingsStore.open(null);
    await expect(
      store.update({ includeLoopDevices: 'yes' as unknown as boolean }),
    ).rejects.toThrow();
    expect(store.get()).toEqual(defaultSettings);
  });
});

describe('SettingsStore on disk', () => {
  it('uses the defaults and writes nothing when there is no file yet', async () => {
    const store = await SettingsStore.open(dir);
    expect(store.get()).toEqual(defaultSettings);
    expect(await readdir(dir)).toEqual([]);
  });

  it('writes settings.json (0600) that a new store reads back', async () => {
    const first = await SettingsStore.open(dir);
    await first.update({ includeLoopDevices: true });
    expect(await readSettingsFile()).toEqual({ includeLoopDevices: true });
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['settings.json']);

    const second = await SettingsStore.open(dir);
    expect(second.get()).toEqual({ includeLoopDevices: true });
    await second.update({ includeLoopDevices: false });
    expect((await SettingsStore.open(dir)).get()).toEqual({ includeLoopDevices: false });
  });

  it('fills in defaults for keys missing from the file', async () => {
    await writeFile(join(dir, 'settings.json'), '{}\n');
    expect((await SettingsStore.open(dir)).get()).toEqual(defaultSettings);
  });

  it('applies overrides on top without writing them', async () => {
    const store = await SettingsStore.open(dir, { includeLoopDevices: true });
    expect(store.get().includeLoopDevices).toBe(true);
    expect(await readdir(dir)).toEqual([]);

    await store.update({}); // persists the user's own settings only
    expect(await readSettingsFile()).toEqual({ includeLoopDevices: false });
    expect(store.get().includeLoopDevices).toBe(true);
    expect((await SettingsStore.open(dir)).get().includeLoopDevices).toBe(false);
  });

  it('lets an explicit update win over an override', async () => {
    const store = await SettingsStore.open(dir, { includeLoopDevices: true });
    expect(await store.update({ includeLoopDevices: false })).toEqual({
      includeLoopDevices: false,
    });
    expect(store.get().includeLoopDevices).toBe(false);
    expect(await readSettingsFile()).toEqual({ includeLoopDevices: false });
  });

  it('overrides a persisted value without changing the file', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ includeLoopDevices: false }));
    const store = await SettingsStore.open(dir, { includeLoopDevices: true });
    expect(store.get().includeLoopDevices).toBe(true);
    expect(await readSettingsFile()).toEqual({ includeLoopDevices: false });
  });

  it.each([
    ['not JSON', '{ includeLoopDevices: tru'],
    ['a wrong type', '{"includeLoopDevices": "yes"}'],
    ['an unknown key', '{"includeLoopDevices": false, "bogus": 1}'],
    ['a list', '[]'],
    ['empty', ''],
  ])('refuses a corrupt settings.json (%s) naming the file', async (_label, text) => {
    const file = join(dir, 'settings.json');
    await writeFile(file, text);
    const error = await SettingsStore.open(dir).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KubeflashError);
    expect((error as KubeflashError).code).toBe('invalid-file');
    expect((error as KubeflashError).subject).toBe(file);
    expect((error as KubeflashError).message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe(text); // left for the user to fix
  });

  it('writes only valid settings', async () => {
    const store = await SettingsStore.open(dir);
    await store.update({ includeLoopDevices: true });
    expect(Settings.safeParse(await readSettingsFile()).success).toBe(true);
  });
});
