import { readFile } from 'node:fs/promises';

import { parseDocument, stringify } from 'yaml';

import type {
  ClusterDocument,
  OpenedClusterFile,
  SavedClusterFile,
} from '../../common/cluster-file';
import { KubeflashError } from '../../common/errors';
import { writeFileAtomic } from '../storage';

const maxClusterFileBytes = 4 * 1024 * 1024;

/** Read a cluster file: YAML whose top level is a mapping. */
export async function openClusterFile(path: string): Promise<OpenedClusterFile> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > maxClusterFileBytes) {
      throw new KubeflashError(
        'invalid-file',
        `${path} is larger than 4 MiB: not a cluster file`,
        path,
      );
    }
    text = bytes.toString('utf8');
  } catch (error) {
    throw fileError(error, path, 'read');
  }
  return { path, document: parseClusterYaml(text, path) };
}

export function parseClusterYaml(text: string, source: string): ClusterDocument {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new KubeflashError(
      'invalid-file',
      `${source}${line ? ` line ${line}` : ''}: not valid YAML (${problem.message.split('\n')[0]}). Fix the file or pick another.`,
      source,
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // e.g. an alias bomb: aliases that expand beyond any sensible cluster file
    throw new KubeflashError(
      'invalid-file',
      `${source}: the YAML cannot be expanded (${error instanceof Error ? error.message : error}).`,
      source,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new KubeflashError(
      'invalid-file',
      `${source}: a cluster file is a YAML mapping (apiVersion, kind, …); this file holds ${describe(value)}.`,
      source,
    );
  }
  return value as ClusterDocument;
}

/** Save atomically, 0600, keeping the previous version as `.bak`. */
export async function saveClusterFile(
  path: string,
  document: ClusterDocument,
): Promise<SavedClusterFile> {
  return saveClusterFileText(path, stringify(document, { lineWidth: 0 }));
}

/** Atomic, 0600, keeping the previous version as `.bak`. */
export async function saveClusterFileText(path: string, text: string): Promise<SavedClusterFile> {
  try {
    const { backupPath } = await writeFileAtomic(path, text, { mode: 0o600, backup: true });
    return { path, backupPath };
  } catch (error) {
    throw fileError(error, path, 'write');
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function fileError(error: unknown, path: string, action: 'read' | 'write'): unknown {
  if (error instanceof KubeflashError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new KubeflashError(
      'not-found',
      action === 'read'
        ? `${path} does not exist. Check the path.`
        : `The folder of ${path} does not exist. Create it or pick another place.`,
      path,
    );
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new KubeflashError(
      'permission-denied',
      `Cannot ${action} ${path}: permission denied.`,
      path,
    );
  }
  if (code === 'EISDIR') {
    return new KubeflashError('invalid-file', `${path} is a folder, not a file.`, path);
  }
  return error;
}
