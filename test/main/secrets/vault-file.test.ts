import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  changePassphrase,
  readSecretsFile,
  type Secrets,
  writeSecretsFile,
} from '../../../main/secrets';
import { failure, fastKdf, passphrase, sampleSecrets, secretValues } from './fixtures';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-vault-'));
  file = join(dir, 'cluster.secrets');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('writeSecretsFile / readSecretsFile', () => {
  it('writes a 0600 file that reads back', async () => {
    const result = await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    expect(result).toEqual({ path: file, backupPath: null });
    expect(await modeOf(file)).toBe(0o600);
    expect(await readSecretsFile(file, passphrase)).toEqual(sampleSecrets());
  });

  it('keeps 0600 even under a permissive umask', async () => {
    const previous = process.umask(0);
    try {
      await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    } finally {
      process.umask(previous);
    }
    expect(await modeOf(file)).toBe(0o600);
  });

  it('stores no secret value and no passphrase in the file', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const bytes = await readFile(file, 'latin1');
    for (const value of [...Object.values(secretValues), passphrase]) {
      expect(bytes).not.toContain(value);
    }
  });

  it('keeps the previous version as .bak, still readable with the passphrase', async () => {
    const first: Secrets = { version: 1, tokens: { join: 'first-token' } };
    const second: Secrets = { version: 1, tokens: { join: 'second-token' } };
    await writeSecretsFile(file, first, passphrase, fastKdf);
    const result = await writeSecretsFile(file, second, passphrase, fastKdf);
    expect(result.backupPath).toBe(`${file}.bak`);
    expect(await modeOf(`${file}.bak`)).toBe(0o600);
    expect(await readSecretsFile(file, passphrase)).toEqual(second);
    expect(await readSecretsFile(`${file}.bak`, passphrase)).toEqual(first);
    expect((await readdir(dir)).sort()).toEqual(['cluster.secrets', 'cluster.secrets.bak']);
  });

  it('makes the .bak 0600 even when the old file had been widened', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    await chmod(file, 0o644);
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    expect(await modeOf(`${file}.bak`)).toBe(0o600);
    expect(await modeOf(file)).toBe(0o600);
  });

  it('creates a missing folder, private to the user', async () => {
    const nested = join(dir, 'config', 'kubeflash', 'home.secrets');
    await writeSecretsFile(nested, { version: 1 }, passphrase, fastKdf);
    expect(await modeOf(join(dir, 'config', 'kubeflash'))).toBe(0o700);
    expect(await readSecretsFile(nested, passphrase)).toEqual({ version: 1 });
  });

  it('a rejected document leaves the existing file untouched', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const before = await readFile(file, 'utf8');
    const bad = { ...sampleSecrets(), surprise: true } as unknown as Secrets;
    const error = await failure(writeSecretsFile(file, bad, passphrase, fastKdf));
    expect(error.code).toBe('invalid-request');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['cluster.secrets']);
  });

  it('a wrong passphrase is permission-denied and names the file', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const error = await failure(readSecretsFile(file, 'wrong passphrase!'));
    expect(error.code).toBe('permission-denied');
    expect(error.subject).toBe(file);
    expect(error.message).toContain(`Wrong passphrase for ${file}`);
    expect(error.message).not.toContain('wrong passphrase!');
  });

  it('a truncated file is invalid-file and names the file', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.slice(0, Math.floor(text.length * 0.7)));
    const error = await failure(readSecretsFile(file, passphrase));
    expect(error.code).toBe('invalid-file');
    expect(error.subject).toBe(file);
    expect(error.message).toContain(file);
  });

  it('a flipped byte in the stored ciphertext is invalid-file', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const json = JSON.parse(await readFile(file, 'utf8')) as { ciphertext: string };
    const bytes = Buffer.from(json.ciphertext, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 0x80;
    json.ciphertext = bytes.toString('base64');
    await writeFile(file, JSON.stringify(json));
    const error = await failure(readSecretsFile(file, passphrase));
    expect(error.code).toBe('invalid-file');
    expect(error.message).toContain(`${file} is damaged or was altered`);
  });

  it('a missing file is not-found', async () => {
    const error = await failure(readSecretsFile(join(dir, 'nope.secrets'), passphrase));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain('nope.secrets');
  });
});

describe('changePassphrase', () => {
  const newPassphrase = 'a different passphrase';

  it('re-encrypts: the new passphrase opens the file, the old one no longer does', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf); // leaves a .bak
    await changePassphrase(file, passphrase, newPassphrase, fastKdf);
    expect(await readSecretsFile(file, newPassphrase)).toEqual(sampleSecrets());
    const error = await failure(readSecretsFile(file, passphrase));
    expect(error.code).toBe('permission-denied');
    expect(await modeOf(file)).toBe(0o600);
    // The backup was encrypted with the old passphrase: it must not outlive the change.
    expect(await readdir(dir)).toEqual(['cluster.secrets']);
  });

  it('with the wrong old passphrase changes nothing', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const before = await readFile(file, 'utf8');
    const error = await failure(changePassphrase(file, 'not the old one', newPassphrase, fastKdf));
    expect(error.code).toBe('permission-denied');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('refuses a too-short new passphrase and changes nothing', async () => {
    await writeSecretsFile(file, sampleSecrets(), passphrase, fastKdf);
    const before = await readFile(file, 'utf8');
    const error = await failure(changePassphrase(file, passphrase, 'short', fastKdf));
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/at least 8 characters/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });
});
