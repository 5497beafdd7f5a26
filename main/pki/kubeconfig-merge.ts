import { mkdir, open, readFile, realpath, rm } from 'node:fs/promises';
import { delimiter as pathDelimiter, dirname, join } from 'node:path';

import { type Document, isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { z } from 'zod';

import { KubeflashError } from '../../common/errors';
import { writeFileAtomic } from '../storage/atomic-write';

/*
 * Kubeconfig files are read and written as YAML 1.1 because kubectl reads them with a YAML 1.1
 * parser: a string such as "on" or "yes" must come out quoted or kubectl would see a boolean.
 * The existing file is edited as a YAML document, not rebuilt, so its comments, order and fields
 * we do not know survive the merge.
 */
const yamlOptions = { version: '1.1', uniqueKeys: true, prettyErrors: true } as const;
const maxKubeconfigBytes = 16 * 1024 * 1024;

const Named = z.looseObject({ name: z.string().min(1) });
const ExistingKubeconfig = z.looseObject({
  kind: z.literal('Config').optional(),
  clusters: z.array(Named).nullish(),
  users: z.array(Named).nullish(),
  contexts: z.array(Named).nullish(),
  'current-context': z.string().nullish(),
});

const IncomingKubeconfig = z.looseObject({
  kind: z.literal('Config').optional(),
  clusters: z.array(
    z.looseObject({
      name: z.string().min(1),
      cluster: z.looseObject({ server: z.string().min(1) }),
    }),
  ),
  users: z.array(z.looseObject({ name: z.string().min(1), user: z.looseObject({}) })),
  contexts: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        context: z.looseObject({ cluster: z.string().min(1), user: z.string().min(1) }),
      }),
    )
    .min(1),
  'current-context': z.string().nullish(),
});
type IncomingKubeconfig = z.infer<typeof IncomingKubeconfig>;

export interface KubeconfigSources {
  /** How to name the existing file in messages, usually its path. */
  existing?: string;
  /** How to name the incoming kubeconfig in messages. */
  incoming?: string;
}

/**
 * Merge the incoming kubeconfig's current context (with its cluster and user) into an existing
 * kubeconfig under `contextName`, replacing same-named entries and making it the current context.
 * Pure: returns the new file text; throws before anything is decided if either side is invalid.
 */
export function mergeKubeconfig(
  existingText: string | null,
  incomingText: string,
  contextName: string,
  sources: KubeconfigSources = {},
): string {
  checkContextName(contextName);
  const entries = incomingEntries(
    incomingText,
    contextName,
    sources.incoming ?? 'the new kubeconfig',
  );
  const doc = existingDocument(existingText, sources.existing ?? 'the existing kubeconfig');
  if (!doc.has('apiVersion')) doc.set('apiVersion', 'v1');
  if (!doc.has('kind')) doc.set('kind', 'Config');
  for (const [key, entry] of Object.entries(entries)) {
    const current = doc.get(key);
    const seq = isSeq(current) ? current : new YAMLSeq();
    seq.items = seq.items.filter((item) => !(isMap(item) && item.get('name') === contextName));
    seq.items.push(doc.createNode(entry));
    doc.set(key, seq);
  }
  doc.set('current-context', contextName);
  return doc.toString({ lineWidth: 0 });
}

/** kubectl's rule: the first non-empty path in $KUBECONFIG, else ~/.kube/config. */
export function resolveKubeconfigPath(
  env: Record<string, string | undefined>,
  homedir: string,
  delimiter: string = pathDelimiter,
): string {
  const first = (env.KUBECONFIG ?? '').split(delimiter).find((part) => part.trim() !== '');
  return first ?? join(homedir, '.kube', 'config');
}

export interface SavedKubeconfig {
  /** The file written (a symlinked kubeconfig is written through to its target). */
  path: string;
  /** The previous version, kept as `<file>.bak`; null when there was none. */
  backupPath: string | null;
}

/** Merge into a kubeconfig file; on any error the file is left as it was. */
export async function mergeIntoKubeconfigFile(options: {
  incomingText: string;
  contextName: string;
  path: string;
}): Promise<SavedKubeconfig> {
  // Check the incoming side and the name before creating a folder or a lock file.
  mergeKubeconfig(null, options.incomingText, options.contextName);
  const path = await resolveSymlink(options.path);
  await makeFolder(path);
  return withKubeconfigLock(path, async () => {
    const existing = await readExisting(path);
    const merged = mergeKubeconfig(existing, options.incomingText, options.contextName, {
      existing: path,
    });
    return write(path, merged);
  });
}

/** Save a kubeconfig as its own file: checked first, written atomically, 0600, `.bak` kept. */
export async function saveKubeconfig(path: string, text: string): Promise<SavedKubeconfig> {
  parseIncoming(text, 'the kubeconfig to save');
  const target = await resolveSymlink(path);
  await makeFolder(target);
  return write(target, text);
}

function checkContextName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._@:/-]{0,252}$/.test(name)) {
    throw new KubeflashError(
      'invalid-request',
      `"${name.slice(0, 60)}" is not a usable context name: start with a letter or digit and use letters, digits, ".", "_", "-", "@", ":" or "/".`,
      'contextName',
    );
  }
}

/** The incoming context, cluster and user, all renamed to the context name. */
function incomingEntries(text: string, contextName: string, source: string) {
  const config = parseIncoming(text, source);
  const contextEntry =
    config.contexts.find((entry) => entry.name === config['current-context']) ??
    (config.contexts.length === 1 ? config.contexts[0] : undefined);
  if (!contextEntry) {
    throw new KubeflashError(
      'invalid-file',
      `${source} has ${config.contexts.length} contexts and no current-context naming one of them: cannot tell which to merge.`,
      source,
    );
  }
  const clusterEntry = config.clusters.find((entry) => entry.name === contextEntry.context.cluster);
  const userEntry = config.users.find((entry) => entry.name === contextEntry.context.user);
  if (!clusterEntry || !userEntry) {
    const missing = clusterEntry
      ? `user "${contextEntry.context.user}"`
      : `cluster "${contextEntry.context.cluster}"`;
    throw new KubeflashError(
      'invalid-file',
      `${source}: context "${contextEntry.name}" refers to ${missing}, which the file does not define.`,
      source,
    );
  }
  return {
    clusters: renamed(clusterEntry, contextName),
    users: renamed(userEntry, contextName),
    contexts: {
      ...renamed(contextEntry, contextName),
      context: { ...contextEntry.context, cluster: contextName, user: contextName },
    },
  };
}

/** A copy with a new name, the name first as kubectl writes it; other fields are kept. */
function renamed<T extends { name: string }>(entry: T, name: string): T {
  const copy: Record<string, unknown> = { name };
  for (const [key, value] of Object.entries(entry)) if (key !== 'name') copy[key] = value;
  return copy as T;
}

function parseIncoming(text: string, source: string): IncomingKubeconfig {
  const doc = parseYaml(text, source);
  const parsed = IncomingKubeconfig.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) throw notKubeconfig(source, parsed.error);
  return parsed.data;
}

function existingDocument(text: string | null, source: string): Document {
  const doc = text === null ? null : parseYaml(text, source);
  if (doc === null || doc.contents === null || isEmptyScalar(doc)) {
    // A missing or empty file (comments at most) starts a fresh kubeconfig.
    const fresh = parseDocument('apiVersion: v1\nkind: Config\npreferences: {}\n', yamlOptions);
    return fresh;
  }
  if (!isMap(doc.contents)) {
    throw new KubeflashError(
      'invalid-file',
      `${source} is not a kubeconfig: its top level is not a mapping. Fix the file or choose another path.`,
      source,
    );
  }
  const value: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = ExistingKubeconfig.safeParse(value);
  if (!parsed.success) throw notKubeconfig(source, parsed.error);
  const known = [
    'apiVersion',
    'kind',
    'clusters',
    'users',
    'contexts',
    'current-context',
    'preferences',
  ];
  if (!Object.keys(parsed.data).some((key) => known.includes(key))) {
    throw new KubeflashError(
      'invalid-file',
      `${source} does not look like a kubeconfig (no apiVersion, kind, clusters, users or contexts). Choose another path.`,
      source,
    );
  }
  return doc;
}

function isEmptyScalar(doc: Document): boolean {
  const contents = doc.contents as { value?: unknown } | null;
  return !isMap(contents) && !isSeq(contents) && (contents?.value ?? null) === null;
}

function parseYaml(text: string, source: string): Document {
  const doc = parseDocument(text, yamlOptions);
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new KubeflashError(
      'invalid-file',
      `${source}${line ? ` line ${line}` : ''}: not valid YAML (${problem.message.split('\n')[0]}). Fix the file or choose another path.`,
      source,
    );
  }
  return doc;
}

function notKubeconfig(source: string, error: z.ZodError): KubeflashError {
  const issue = error.issues[0];
  const where = issue?.path.map(String).join('.') || 'top level';
  return new KubeflashError(
    'invalid-file',
    `${source} is not a valid kubeconfig (${where}: ${issue?.message ?? 'invalid'}). Fix the file or choose another path.`,
    source,
  );
}

async function readExisting(path: string): Promise<string | null> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > maxKubeconfigBytes) {
      throw new KubeflashError(
        'invalid-file',
        `${path} is larger than 16 MiB: not a kubeconfig.`,
        path,
      );
    }
    return bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fileError(error, path, 'read');
  }
}

async function write(path: string, text: string): Promise<SavedKubeconfig> {
  try {
    const { backupPath } = await writeFileAtomic(path, text, { mode: 0o600, backup: true });
    return { path, backupPath };
  } catch (error) {
    throw fileError(error, path, 'write');
  }
}

/** kubectl (client-go) locks `<file>.lock` while it writes; take the same lock. */
async function withKubeconfigLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  try {
    await (await open(lock, 'wx', 0o600)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new KubeflashError(
        'unavailable',
        `${path} is being changed by another program (${lock} exists). Try again; if no kubectl is running, delete ${lock}.`,
        path,
      );
    }
    throw fileError(error, path, 'write');
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

async function resolveSymlink(path: string): Promise<string> {
  // Writing through a symlink keeps dotfile setups that link ~/.kube/config elsewhere intact.
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}

async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fileError(error, dirname(path), 'write');
  }
}

function fileError(error: unknown, path: string, action: 'read' | 'write'): unknown {
  if (error instanceof KubeflashError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new KubeflashError(
      'permission-denied',
      `Cannot ${action} ${path}: permission denied. Choose another path or fix its permissions.`,
      path,
    );
  }
  if (code === 'EISDIR') {
    return new KubeflashError(
      'invalid-request',
      `${path} is a folder, not a kubeconfig file.`,
      path,
    );
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new KubeflashError(
      'invalid-request',
      `Cannot ${action} ${path}: part of the path is a file, not a folder.`,
      path,
    );
  }
  if (code === 'ENOSPC') {
    return new KubeflashError('unavailable', `Cannot write ${path}: the disk is full.`, path);
  }
  return error;
}
