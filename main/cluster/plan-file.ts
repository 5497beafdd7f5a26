import { Document } from 'yaml';

import { Cluster, parseCluster } from '../../common/cluster';
import { openClusterFile, saveClusterFileText } from './cluster-file';

const header =
  ' Kubeflash cluster file: the plan, safe to commit.\n' +
  ' Secrets (CA keys, tokens, SSH keys) live encrypted in the .secrets file beside it;\n' +
  ' flash results live in the .state.json file beside it.';

/** Read and validate a cluster file (schema, version; the rules come from validateCluster). */
export async function loadPlan(path: string): Promise<Cluster> {
  const { document } = await openClusterFile(path);
  return parseCluster(document, path);
}

/** Write the plan in schema order, so diffs show what changed and nothing else. */
export async function savePlan(path: string, cluster: Cluster) {
  return saveClusterFileText(path, renderPlan(cluster));
}

export function renderPlan(cluster: Cluster): string {
  // Parsing puts keys in schema order, whatever order the edits left them in.
  const doc = new Document(Cluster.parse(cluster));
  doc.commentBefore = header;
  return doc.toString({ lineWidth: 0 });
}
