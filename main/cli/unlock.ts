import { ClusterWorkspace, projectPaths } from '../cluster';
import type { EarlyDecryption } from './early-unlock';
import { readPassphrase } from './passphrase';
import { type Prompter, terminalPrompter } from './prompt';

/** A workspace with this cluster's secrets unlocked, for commands that need them. */
export async function unlockedWorkspace(
  path: string,
  flags: { passphraseFile?: string },
  prompter: Prompter | null = terminalPrompter(),
): Promise<ClusterWorkspace> {
  const { workspace, unlocked } = await startUnlock(path, flags, prompter);
  await unlocked;
  return workspace;
}

/**
 * Reads the passphrase (asking on the terminal when needed) and starts the unlock: its key
 * derivation (scrypt, about 0.6 s of one core) can then run beside other work, and nothing is
 * drawn on the terminal while the passphrase is typed. `early`: a decryption the command
 * started as it began (see early-unlock.ts).
 */
export async function startUnlock(
  path: string,
  flags: { passphraseFile?: string },
  prompter: Prompter | null = terminalPrompter(),
  early: EarlyDecryption | null = null,
): Promise<{ workspace: ClusterWorkspace; unlocked: Promise<void> }> {
  const workspace = new ClusterWorkspace();
  const passphrase = early
    ? await early.passphrase
    : await readPassphrase(
        { passphraseFile: flags.passphraseFile, prompter },
        projectPaths(path).secrets,
      );
  const unlocked = workspace.unlock(path, passphrase, early?.secrets).then(() => {});
  unlocked.catch(() => {}); // the caller awaits it; not unhandled if it fails first elsewhere
  return { workspace, unlocked };
}
