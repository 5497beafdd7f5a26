import type { z } from 'zod';

import { KubeflashError } from '../errors';
import { Cluster, clusterApiVersion } from './schema';

/**
 * Older cluster-file versions are migrated here, one step per version, never silently dropped.
 * There is only one version so far; a newer file than this app knows is refused with a message.
 */
const migrations: Record<string, (document: Record<string, unknown>) => Record<string, unknown>> =
  {};

export function parseCluster(document: unknown, source: string): Cluster {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new KubeflashError(
      'invalid-file',
      `${source}: a cluster file is a YAML mapping with apiVersion, kind, metadata and spec`,
      source,
    );
  }
  let current = document as Record<string, unknown>;
  if (current.kind !== 'Cluster') {
    throw new KubeflashError(
      'invalid-file',
      `${source}: kind is ${JSON.stringify(current.kind)}, expected Cluster — is this a Kubeflash cluster file?`,
      source,
    );
  }
  for (let step = 0; current.apiVersion !== clusterApiVersion && step < 10; step++) {
    const migrate = migrations[String(current.apiVersion)];
    if (!migrate) {
      throw new KubeflashError(
        'invalid-file',
        `${source}: apiVersion ${JSON.stringify(current.apiVersion)} is not one this Kubeflash reads (it reads ${clusterApiVersion}). If the file was written by a newer Kubeflash, update Kubeflash.`,
        source,
      );
    }
    current = migrate(current);
  }
  const result = Cluster.safeParse(current);
  if (!result.success)
    throw new KubeflashError('invalid-file', `${source}: ${describeIssues(result.error)}`, source);
  return result.data;
}

/** Zod issues as one readable line per problem, with the field path. */
export function describeIssues(error: z.ZodError, max = 8): string {
  const lines = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys')
      return `${path}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')} (misspelt?)`;
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length > max ? `\n… and ${error.issues.length - max} more` : '';
  return lines.join('\n') + more;
}
