import { type KubeObject, type ResourceType, resourceTypes } from './kube-api-objects';

/** Where a request goes: which resource, in which namespace, which object (or the collection). */
export interface Route {
  resource: ResourceType;
  namespace: string | null;
  name: string | null;
}

export function parseRoute(path: string): Route | null {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: '' | 'apps';
  let rest: string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments[1] === 'apps' && segments[2] === 'v1') {
    group = 'apps';
    rest = segments.slice(3);
  } else {
    return null;
  }
  let namespace: string | null = null;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length < 1 || rest.length > 2) return null;
  const resource = resourceTypes.find((r) => r.group === group && r.name === rest[0]);
  if (!resource) return null;
  if (!resource.namespaced && namespace !== null) return null;
  // A namespaced object by name needs its namespace; lists may span all namespaces.
  if (resource.namespaced && namespace === null && rest.length === 2) return null;
  return { resource, namespace, name: rest[1] ?? null };
}

/** Equality-based selectors (`a=b,c!=d,e`), as kubectl and client-node send them. */
export function matchesLabels(object: KubeObject, selector: string | undefined): boolean {
  const labels = object.metadata.labels ?? {};
  return matchesSelector(selector, (key) => labels[key]);
}

export function matchesFields(object: KubeObject, selector: string | undefined): boolean {
  return matchesSelector(selector, (path) => {
    let value: unknown = object;
    for (const part of path.split('.')) value = (value as Record<string, unknown>)?.[part];
    return value === undefined || value === null ? undefined : String(value);
  });
}

function matchesSelector(
  selector: string | undefined,
  valueOf: (key: string) => string | undefined,
): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const not = /^([^!=]+)!=(.*)$/.exec(term);
    if (not) return valueOf(not[1]!.trim()) !== not[2]!.trim();
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    if (eq) return valueOf(eq[1]!.trim()) === eq[2]!.trim();
    if (term.startsWith('!')) return valueOf(term.slice(1).trim()) === undefined;
    return valueOf(term.trim()) !== undefined;
  });
}
