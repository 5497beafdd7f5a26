export const sections = ['cluster', 'nodes', 'image', 'flash', 'health', 'settings'] as const;
export type Section = (typeof sections)[number];

/** The section named by the URL hash (`#/flash`), so reloads and links keep the place. */
export function sectionFromHash(hash: string): Section {
  const name = hash.replace(/^#\/?/, '').replace(/\?.*$/, '');
  return (sections as readonly string[]).includes(name) ? (name as Section) : 'cluster';
}

/** The Flash section with a node's card asked for next (`#/flash?node=rpi-kube-worker-02`). */
export function flashNodeHash(hostname: string): string {
  return `#/flash?${new URLSearchParams({ node: hostname }).toString()}`;
}

/** The node asked for by the hash (see flashNodeHash); null when none is. */
export function nodeFromHash(hash: string): string | null {
  const query = hash.indexOf('?');
  return query < 0 ? null : new URLSearchParams(hash.slice(query + 1)).get('node');
}
