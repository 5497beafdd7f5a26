import { constants, gunzipSync, gzipSync } from 'node:zlib';

import { parse, stringify } from 'yaml';
import { z } from 'zod';

import { apiServerUrl, KUBE_API_SERVER_PORT } from './api-server-url';
import {
  BOOTSTRAP_TOKEN_ID_PATTERN,
  BOOTSTRAP_TOKEN_SECRET_PATTERN,
  parseBootstrapToken,
} from './bootstrap-token';
import type { ClusterPki } from './cluster-pki';
import { randomString } from './random-string';

// Pre-shared k0s join tokens, matched to the k0s sources (k0sproject/k0s):
// - cmd/token/preshared.go (`k0s token pre-shared`): a token plus its bootstrap-token Secret,
//   made without a running cluster, exactly what we do here.
// - pkg/token/kubeconfig.go GenerateKubeconfig: a kubeconfig with cluster, context and user all
//   named "k0s"/<user>, the CA file's bytes as certificate-authority-data, the bootstrap token as
//   the user's token; user "kubelet-bootstrap" for workers, "controller-bootstrap" for
//   controllers (loadUserAndJoinURL), which is how k0s tells the role (GetTokenType).
// - pkg/token/joinencode.go JoinEncode: gzip at best compression, then standard base64.
// - pkg/apis/k0s/v1beta1/api.go: workers join the kube-apiserver (6443), controllers the k0s API
//   (K0sAPIPort, default 9443).
// The matching bootstrap-token Secret is in k0s-bootstrap-token-secret.ts.

export type K0sRole = 'worker' | 'controller';

/** The k0s controller-join API port (k0s APISpec.K0sAPIPort default). */
export const K0S_API_PORT = 9443;

const USER_BY_ROLE = { worker: 'kubelet-bootstrap', controller: 'controller-bootstrap' } as const;
const K0S_NAME = 'k0s';

/** The URL a token for `role` must carry: kube-apiserver for workers, k0s API for controllers. */
export function k0sJoinServerUrl(role: K0sRole, host: string): string {
  return apiServerUrl(host, role === 'controller' ? K0S_API_PORT : KUBE_API_SERVER_PORT);
}

export interface K0sJoinTokenOptions {
  role: K0sRole;
  pki: ClusterPki;
  /** See k0sJoinServerUrl(). */
  server: string;
  tokenId?: string;
  tokenSecret?: string;
}

export interface K0sJoinToken {
  /** The string for `k0s install worker|controller --token-file`. */
  token: string;
  bootstrapTokenId: string;
  bootstrapTokenSecret: string;
}

export function generateK0sJoinToken(options: K0sJoinTokenOptions): K0sJoinToken {
  const { role, pki, server } = options;
  if (pki.distribution !== 'k0s') {
    throw new Error(`k0s join tokens need a k0s PKI, not a ${pki.distribution} one`);
  }
  const url = parseHttpsUrl(server);
  const bootstrapTokenId = options.tokenId ?? randomString(6);
  const bootstrapTokenSecret = options.tokenSecret ?? randomString(16);
  if (!BOOTSTRAP_TOKEN_ID_PATTERN.test(bootstrapTokenId)) {
    throw new Error('The bootstrap token id must be 6 characters of a-z and 0-9');
  }
  if (!BOOTSTRAP_TOKEN_SECRET_PATTERN.test(bootstrapTokenSecret)) {
    throw new Error('The bootstrap token secret must be 16 characters of a-z and 0-9');
  }
  const user = USER_BY_ROLE[role];
  // Key order as client-go's clientcmd.Write emits it (alphabetical).
  const kubeconfig = stringify(
    {
      apiVersion: 'v1',
      clusters: [
        {
          cluster: {
            'certificate-authority-data': Buffer.from(pki.ca.certificatePem).toString('base64'),
            server: url,
          },
          name: K0S_NAME,
        },
      ],
      contexts: [{ context: { cluster: K0S_NAME, user }, name: K0S_NAME }],
      'current-context': K0S_NAME,
      kind: 'Config',
      preferences: {},
      users: [{ name: user, user: { token: `${bootstrapTokenId}.${bootstrapTokenSecret}` } }],
    },
    { lineWidth: 0 },
  );
  const token = gzipSync(kubeconfig, { level: constants.Z_BEST_COMPRESSION }).toString('base64');
  return { token, bootstrapTokenId, bootstrapTokenSecret };
}

export interface DecodedK0sJoinToken {
  role: K0sRole;
  server: string;
  certificateAuthorityPem: string;
  bootstrapTokenId: string;
  bootstrapTokenSecret: string;
  /** The kubeconfig text inside the token. */
  kubeconfig: string;
}

const tokenKubeconfigSchema = z.object({
  clusters: z
    .array(
      z.object({
        name: z.string(),
        cluster: z.object({ server: z.string(), 'certificate-authority-data': z.string() }),
      }),
    )
    .min(1),
  contexts: z
    .array(
      z.object({ name: z.string(), context: z.object({ cluster: z.string(), user: z.string() }) }),
    )
    .min(1),
  users: z.array(z.object({ name: z.string(), user: z.object({ token: z.string() }) })).min(1),
});

/** Decode a k0s join token (the reverse of JoinEncode + GenerateKubeconfig) and check its parts. */
export function decodeK0sJoinToken(token: string): DecodedK0sJoinToken {
  const compact = token.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new Error('The k0s token is not base64');
  let kubeconfig: string;
  try {
    kubeconfig = gunzipSync(Buffer.from(compact, 'base64')).toString('utf8');
  } catch {
    throw new Error('The k0s token is not gzip data');
  }
  const parsed = tokenKubeconfigSchema.safeParse(parse(kubeconfig));
  if (!parsed.success) throw new Error('The k0s token does not hold a join kubeconfig');
  const { clusters, contexts, users } = parsed.data;
  // k0s GetTokenType: the role is the user of the (first) context.
  const userName = contexts[0]!.context.user;
  const role = (Object.keys(USER_BY_ROLE) as K0sRole[]).find((r) => USER_BY_ROLE[r] === userName);
  if (!role) throw new Error(`The k0s token has an unknown user "${userName}"`);
  const user = users.find((u) => u.name === userName);
  const cluster = clusters.find((c) => c.name === contexts[0]!.context.cluster);
  if (!user || !cluster) throw new Error('The k0s token kubeconfig has a dangling context');
  const { id, secret } = parseBootstrapToken(user.user.token);
  return {
    role,
    server: cluster.cluster.server,
    certificateAuthorityPem: Buffer.from(
      cluster.cluster['certificate-authority-data'],
      'base64',
    ).toString('utf8'),
    bootstrapTokenId: id,
    bootstrapTokenSecret: secret,
    kubeconfig,
  };
}

function parseHttpsUrl(server: string): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`The k0s join address is not a URL: "${server}"`);
  }
  if (url.protocol !== 'https:')
    throw new Error(`The k0s join address must use https: "${server}"`);
  return server;
}
