import { resolve } from 'node:path';

import { KubeflashError } from '../../../common/errors';
import { clusterPath } from '../cluster-option';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { KubeconfigFlags } from './kubeconfig';

export async function runKubeconfig(io: CliIo, flags: KubeconfigFlags) {
  if (flags.out && flags.merge)
    throw new KubeflashError('invalid-request', 'Use either --out or --merge');
  const path = clusterPath(flags);
  const workspace = await unlockedWorkspace(path, flags);
  if (!flags.out && !flags.merge) {
    io.out((await workspace.kubeconfig(path, flags.context)).text.trimEnd());
    return;
  }
  const written = await workspace.writeKubeconfig(
    path,
    flags.out
      ? { kind: 'file', file: resolve(flags.out) }
      : {
          kind: 'merge',
          kubeconfigPath: typeof flags.merge === 'string' ? resolve(flags.merge) : undefined,
        },
    flags.context,
  );
  io.out(
    `${flags.out ? 'Wrote' : 'Merged context ' + written.contextName + ' into'} ${written.path}` +
      (written.backupPath ? ` (previous version: ${written.backupPath})` : ''),
  );
}
