import { z } from 'zod';

/** A path typed by the user or chosen in a dialog; must be absolute so both hosts agree. */
export const AbsolutePath = z
  .string()
  .min(1, 'is empty: give the full path of the file')
  .max(4096)
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), {
    message: 'must be an absolute path (for example /home/me/cluster.yaml)',
  });

/** The cluster file's parsed YAML. Its schema is the cluster plan's; here it is a mapping. */
export const ClusterDocument = z.record(z.string(), z.unknown());
export type ClusterDocument = z.infer<typeof ClusterDocument>;

export const OpenedClusterFile = z.object({ path: z.string(), document: ClusterDocument });
export type OpenedClusterFile = z.infer<typeof OpenedClusterFile>;

export const SavedClusterFile = z.object({
  path: z.string(),
  /** The previous version, kept beside the file; absent when there was none. */
  backupPath: z.string().nullable(),
});
export type SavedClusterFile = z.infer<typeof SavedClusterFile>;
