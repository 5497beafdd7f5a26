import { basename, dirname, join } from 'node:path';

/** The files of one cluster: the plan, its runtime state and its encrypted secrets, side by side. */
export interface ProjectPaths {
  cluster: string;
  state: string;
  secrets: string;
}

export function projectPaths(clusterPath: string): ProjectPaths {
  const base = basename(clusterPath).replace(/\.(ya?ml)$/i, '');
  const dir = dirname(clusterPath);
  return {
    cluster: clusterPath,
    state: join(dir, `${base}.state.json`),
    secrets: join(dir, `${base}.secrets`),
  };
}
