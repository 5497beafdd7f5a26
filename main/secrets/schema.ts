import { z } from 'zod';

import { certificateAndKeySchema, clusterPkiSchema } from '../pki/cluster-pki';

/** An OpenSSH key pair as files hold it: private key PEM-like block, public key one line. */
export const SshKeyPairSecret = z.strictObject({
  privateKey: z.string().min(1),
  publicKey: z.string().min(1),
});
export type SshKeyPairSecret = z.infer<typeof SshKeyPairSecret>;

/** The host keys pre-generated for one node, so its host key can be pinned before first boot. */
export const SshHostKeysSecret = z.strictObject({
  ed25519: SshKeyPairSecret,
  rsa: SshKeyPairSecret,
});
export type SshHostKeysSecret = z.infer<typeof SshHostKeysSecret>;

const name = z.string().min(1).max(253);

/**
 * Everything the cluster file must not hold in plain text. Strict at every level: a typo or a
 * field from a newer release is an error rather than something silently dropped on the next save.
 */
export const Secrets = z.strictObject({
  version: z.literal(1),
  /** The distribution's CAs and service-account key. */
  pki: clusterPkiSchema.optional(),
  /** The admin client certificate the kubeconfig carries. */
  admin: certificateAndKeySchema.optional(),
  tokens: z.record(name, z.string().min(1)).optional(),
  ssh: z
    .strictObject({
      user: SshKeyPairSecret.optional(),
      hostKeys: z.record(name, SshHostKeysSecret),
    })
    .optional(),
  passwordHash: z.string().min(1).optional(),
  wifiPassphrase: z.string().min(1).optional(),
});
export type Secrets = z.infer<typeof Secrets>;

export function emptySecrets(): Secrets {
  return { version: 1 };
}
