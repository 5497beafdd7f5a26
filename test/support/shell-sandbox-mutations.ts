import type { NodeFile } from '../../main/provision/model';

/**
 * Regions of the bootstrap scripts the suite must notice losing, marked in the .sh files with
 * `# kubeflash:begin <name>` … `# kubeflash:end <name>`.
 */
export const guardedRegions = ['designated-init', 'join-retry', 'time-gate'] as const;
export type GuardedRegion = (typeof guardedRegions)[number];

/** The script without the region (markers included); throws when the region is not there. */
export function withoutRegion(text: string, region: GuardedRegion): string {
  const pattern = new RegExp(
    `^[ \\t]*# kubeflash:begin ${region}\\n[\\s\\S]*?^[ \\t]*# kubeflash:end ${region}\\n`,
    'm',
  );
  if (!pattern.test(text)) throw new Error(`the script has no region ${region}`);
  return text.replace(pattern, '');
}

/** A bundle transform removing the region from whichever script holds it. */
export function removeRegion(region: GuardedRegion): (file: NodeFile) => NodeFile {
  return (file) =>
    file.content.includes(`# kubeflash:begin ${region}\n`)
      ? { ...file, content: withoutRegion(file.content, region) }
      : file;
}
