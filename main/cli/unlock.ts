import { ClusterWorkspace, projectPaths } from '../cluster';
import { readPassphrase } from './passphrase';
import { type Prompter, terminalPrompter } from './prompt';

/** A workspace with this cluster's secrets unlocked, for commands that need them. */
export async function unlockedWorkspace(
  path: string,
  flags: { passphraseFile?: string },
  prompter: Prompter | null = terminalPrompter(),
): Promise<ClusterWorkspace> {
  const workspace = new ClusterWorkspace();
  const passphrase = await readPassphrase(
    { passphraseFile: flags.passphraseFile, prompter },
    projectPaths(path).secrets,
  );
  await workspace.unlock(path, passphrase);
  return workspace;
}
