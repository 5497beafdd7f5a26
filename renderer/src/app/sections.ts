export const sections = ['cluster', 'nodes', 'image', 'flash', 'health', 'settings'] as const;
export type Section = (typeof sections)[number];

/** The section named by the URL hash (`#/flash`), so reloads and links keep the place. */
export function sectionFromHash(hash: string): Section {
  const name = hash.replace(/^#\/?/, '');
  return (sections as readonly string[]).includes(name) ? (name as Section) : 'cluster';
}
