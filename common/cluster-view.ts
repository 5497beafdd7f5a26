import { z } from 'zod';

import { Cluster, ClusterState, NewClusterOptions } from './cluster';
import { AbsolutePath } from './cluster-file';

export const ValidationIssueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  path: z.string(),
  message: z.string(),
});

export const CertificateValidity = z.object({
  name: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
});

/** What the UI may know of the secrets file: never a value. */
export const SecretsStatus = z.object({
  file: z.string(),
  exists: z.boolean(),
  unlocked: z.boolean(),
  /** Filled in while unlocked. */
  certificates: z.array(CertificateValidity).default([]),
  userKeyFingerprint: z.string().nullable().default(null),
  userPublicKey: z.string().nullable().default(null),
  hostKeys: z
    .array(z.object({ hostname: z.string(), fingerprints: z.array(z.string()) }))
    .default([]),
});
export type SecretsStatus = z.infer<typeof SecretsStatus>;

/** An open cluster as the UI shows it: plan, state, validation and secrets status. */
export const ClusterView = z.object({
  path: z.string(),
  cluster: Cluster,
  state: ClusterState,
  issues: z.array(ValidationIssueSchema),
  secrets: SecretsStatus,
});
export type ClusterView = z.infer<typeof ClusterView>;

export const Passphrase = z.string().min(1, 'is empty').max(1024);

export const CreateClusterRequest = z
  .object({
    path: AbsolutePath,
    options: NewClusterOptions,
    passphrase: Passphrase,
    /** Stored in the secrets file, never in the plan. */
    wifiPassphrase: z.string().max(63).optional(),
    overwrite: z.boolean().default(false),
  })
  .strict();

export const KubeconfigDestination = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), file: AbsolutePath }).strict(),
  z
    .object({
      kind: z.literal('merge'),
      /** Defaults to the first file of $KUBECONFIG, else ~/.kube/config. */
      kubeconfigPath: AbsolutePath.optional(),
    })
    .strict(),
]);

export const WriteKubeconfigRequest = z
  .object({
    path: AbsolutePath,
    destination: KubeconfigDestination,
    contextName: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,252}$/, 'letters, digits, ".", "_", "-", "@"')
      .optional(),
  })
  .strict();

export const WrittenKubeconfig = z.object({
  path: z.string(),
  backupPath: z.string().nullable(),
  contextName: z.string(),
});
