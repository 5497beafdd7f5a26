import { ApiException } from '@kubernetes/client-node';

import { openKubeClient } from '../health/kube/kube-client';
import { generateBootstrapToken, parseBootstrapToken } from '../pki';

/** The group kubeadm's join RBAC (node bootstrapper, CSR auto-approval) is bound to. */
export const KUBEADM_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
/** kubeadm's own default token TTL is 24 h; a card may wait in a drawer for a while. */
export const MAX_BOOTSTRAP_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface MintBootstrapTokenOptions {
  ttlSeconds: number;
  description: string;
  now?: Date;
  signal?: AbortSignal;
  requestTimeoutMs?: number;
}

/**
 * A fresh kubeadm bootstrap token, minted through the API with the admin kubeconfig, as
 * `kubeadm token create` does: Secret kube-system/bootstrap-token-<id> of type
 * bootstrap.kubernetes.io/token. For rebuilding a kubeadm node after the plan's token expired.
 * Returns `<id>.<secret>`; the token itself is never logged.
 */
export async function mintBootstrapToken(
  kubeconfig: string,
  options: MintBootstrapTokenOptions,
): Promise<string> {
  const { ttlSeconds, description } = options;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds < 60 ||
    ttlSeconds > MAX_BOOTSTRAP_TOKEN_TTL_SECONDS
  ) {
    throw new Error(
      `A bootstrap token's TTL must be whole seconds from 60 to ${MAX_BOOTSTRAP_TOKEN_TTL_SECONDS} (got ${ttlSeconds})`,
    );
  }
  if (description.length > 256 || /[\r\n]/.test(description)) {
    throw new Error('A bootstrap token description must be one line of at most 256 characters');
  }
  const expiration = rfc3339(new Date((options.now ?? new Date()).getTime() + ttlSeconds * 1000));
  const client = openKubeClient(kubeconfig, { requestTimeoutMs: options.requestTimeoutMs });
  try {
    // A clash of 6-character ids is unlikely but possible: try a few fresh ones.
    for (let attempt = 1; ; attempt++) {
      const token = generateBootstrapToken();
      const { id, secret } = parseBootstrapToken(token);
      try {
        await client.core.createNamespacedSecret(
          {
            namespace: 'kube-system',
            body: {
              apiVersion: 'v1',
              kind: 'Secret',
              metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
              type: 'bootstrap.kubernetes.io/token',
              stringData: {
                description,
                'token-id': id,
                'token-secret': secret,
                expiration,
                'usage-bootstrap-authentication': 'true',
                'usage-bootstrap-signing': 'true',
                'auth-extra-groups': KUBEADM_NODE_TOKEN_GROUP,
              },
            },
          },
          client.options(options.signal),
        );
        return token;
      } catch (error) {
        if (error instanceof ApiException && error.code === 409 && attempt < 3) continue;
        throw mintError(error, client.server);
      }
    }
  } finally {
    client.close();
  }
}

/** RFC 3339 in UTC without fractions, as kubeadm writes `expiration`. */
function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function mintError(error: unknown, server: string): Error {
  if (error instanceof ApiException) {
    const hint =
      error.code === 401 || error.code === 403
        ? ': the kubeconfig is not this cluster’s admin kubeconfig'
        : '';
    return new Error(`Could not create a bootstrap token at ${server} (HTTP ${error.code})${hint}`);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new Error(
    `Could not create a bootstrap token: the API server at ${server} cannot be reached (${text}). A kubeadm node can only be rebuilt while the cluster's API answers.`,
  );
}
