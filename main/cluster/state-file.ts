import { readFile } from 'node:fs/promises';

import { ClusterState, emptyState } from '../../common/cluster';
import { KubeflashError } from '../../common/errors';
import { writeFileAtomic } from '../storage';

/** The runtime state beside the plan; a missing file is an empty state (nothing flashed yet). */
export async function loadState(path: string): Promise<ClusterState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KubeflashError(
      'invalid-file',
      `${path} is not valid JSON. Restore it from ${path}.bak or delete it (flash results are then forgotten).`,
      path,
    );
  }
  const result = ClusterState.safeParse(parsed);
  if (!result.success) {
    throw new KubeflashError(
      'invalid-file',
      `${path} is not a Kubeflash state file: ${result.error.issues[0]?.message}`,
      path,
    );
  }
  return result.data;
}

export async function saveState(path: string, state: ClusterState): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(ClusterState.parse(state), null, 2)}\n`, {
    mode: 0o600,
    backup: true,
  });
}
