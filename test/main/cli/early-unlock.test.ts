import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startDecryptionEarly } from '../../../main/cli/early-unlock';
import { startUnlock } from '../../../main/cli/unlock';
import { createLoopbackLab } from '../../support/flash-lab';

const passphrase = 'correct horse battery staple';

describe('decrypting the secrets as a command begins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-early-unlock-'));
  const plan = join(dir, 'lab.yaml');
  const passFile = join(dir, 'pass');

  beforeAll(async () => {
    await createLoopbackLab(plan, passphrase);
    writeFileSync(passFile, passphrase, { mode: 0o600 });
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for the terminal prompt when the passphrase comes from neither a file nor the environment', () => {
    expect(startDecryptionEarly(plan, {}, {})).toBeNull();
  });

  it('decrypts with the passphrase file or $KUBEFLASH_PASSPHRASE, and the unlock uses that', async () => {
    const fromFile = startDecryptionEarly(plan, { passphraseFile: passFile }, {})!;
    expect(await fromFile.passphrase).toBe(passphrase);
    const secrets = await fromFile.secrets;
    expect(secrets.pki).toBeTruthy();

    const fromEnv = startDecryptionEarly(plan, {}, { KUBEFLASH_PASSPHRASE: passphrase })!;
    expect(await fromEnv.secrets).toEqual(secrets);

    // The unlock takes the early decryption's secrets rather than decrypting again.
    const marked = { ...secrets, wifiPassphrase: 'decrypted early' };
    const early = { passphrase: Promise.resolve(passphrase), secrets: Promise.resolve(marked) };
    const { workspace, unlocked } = await startUnlock(plan, {}, null, early);
    await unlocked;
    expect(workspace.secrets(plan).wifiPassphrase).toBe('decrypted early');
  });

  it('reports a wrong passphrase or a missing passphrase file where the secrets are unlocked', async () => {
    const wrong = join(dir, 'wrong');
    writeFileSync(wrong, 'not the passphrase', { mode: 0o600 });
    const early = startDecryptionEarly(plan, { passphraseFile: wrong }, {})!;
    const { unlocked } = await startUnlock(plan, {}, null, early);
    await expect(unlocked).rejects.toThrow(/Wrong passphrase/);

    const missing = startDecryptionEarly(plan, { passphraseFile: join(dir, 'no-such-file') }, {})!;
    await expect(startUnlock(plan, {}, null, missing)).rejects.toThrow(/no-such-file/);
  });
});
