import type { Cluster } from '../../../../common/cluster';
import type { CatalogImageView } from '../../../../common/flash';

/**
 * How a plan names an image: a catalog id, or a file path. The Node side decides the same way
 * (an absolute path, a slash, or an image-like ending is a file; anything else an id).
 */
export function looksLikeImagePath(text: string): boolean {
  return /[\\/]/.test(text) || imageEnding.test(text);
}

const imageEnding = /\.(img|xz|gz|zip|bz2|zst)$/i;

/** Why a typed image path cannot be used, or null when it can. */
export function imagePathProblem(text: string): 'empty' | 'not-absolute' | null {
  const path = text.trim();
  if (path === '') return 'empty';
  // The Node side resolves a relative path against its own folder: say which file is meant.
  if (!/^(\/|[A-Za-z]:[/\\]|\\\\)/.test(path)) return 'not-absolute';
  return null;
}

/** What an image reference stands for, with its catalog entry when it has one. */
export type ImageDescription =
  | { kind: 'catalog'; entry: CatalogImageView }
  | { kind: 'unknown-id'; id: string }
  | { kind: 'file'; path: string; fileName: string };

export function describeImage(
  reference: string,
  catalog: readonly CatalogImageView[],
): ImageDescription {
  if (looksLikeImagePath(reference)) {
    return { kind: 'file', path: reference, fileName: reference.split(/[/\\]/).pop() ?? reference };
  }
  const entry = catalog.find((image) => image.id === reference);
  return entry ? { kind: 'catalog', entry } : { kind: 'unknown-id', id: reference };
}

/** The plan with another default image (blank: none). */
export function withDefaultImage(cluster: Cluster, reference: string): Cluster {
  const trimmed = reference.trim();
  const image = trimmed === '' ? {} : { default: trimmed };
  return { ...cluster, spec: { ...cluster.spec, image } };
}

/** Nodes that name an image of their own (the default does not reach them). */
export function nodesWithOwnImage(cluster: Cluster): string[] {
  return cluster.spec.nodes.filter((node) => node.image).map((node) => node.hostname);
}
