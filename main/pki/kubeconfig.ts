import { stringify } from 'yaml';

export interface KubeconfigOptions {
  clusterName: string;
  contextName: string;
  /** `https://host:6443`; see apiServerUrl(). */
  server: string;
  certificateAuthorityPem: string;
  clientCertificatePem: string;
  clientKeyPem: string;
  /** Name of the user entry; defaults to "<clusterName>-admin" so merged kubeconfigs stay apart. */
  userName?: string;
}

/**
 * A self-contained kubeconfig: everything embedded as *-data fields, so the one file (written
 * 0600: it holds a private key) works wherever it is copied.
 */
export function buildKubeconfig(options: KubeconfigOptions): string {
  const { clusterName, contextName } = options;
  const userName = options.userName ?? `${clusterName}-admin`;
  for (const [what, value] of [
    ['cluster name', clusterName],
    ['context name', contextName],
    ['user name', userName],
  ] as const) {
    if (value.trim() === '') throw new Error(`The kubeconfig ${what} must not be empty`);
  }
  checkServer(options.server);
  checkPem('certificate authority', options.certificateAuthorityPem, 'CERTIFICATE');
  checkPem('client certificate', options.clientCertificatePem, 'CERTIFICATE');
  checkPem('client key', options.clientKeyPem, '(?:RSA |EC )?PRIVATE KEY');

  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: clusterName,
        cluster: {
          server: options.server,
          'certificate-authority-data': base64(options.certificateAuthorityPem),
        },
      },
    ],
    users: [
      {
        name: userName,
        user: {
          'client-certificate-data': base64(options.clientCertificatePem),
          'client-key-data': base64(options.clientKeyPem),
        },
      },
    ],
    contexts: [{ name: contextName, context: { cluster: clusterName, user: userName } }],
    'current-context': contextName,
    preferences: {},
  };
  // lineWidth 0: long base64 values stay on one line, as kubectl writes them.
  return stringify(config, { lineWidth: 0 });
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function checkServer(server: string): void {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new Error(`The API server address is not a URL: "${server}"`);
  }
  if (url.protocol !== 'https:') {
    throw new Error(`The API server address must use https: "${server}"`);
  }
}

function checkPem(what: string, pem: string, label: string): void {
  if (!new RegExp(`-----BEGIN ${label}-----`).test(pem)) {
    throw new Error(`The kubeconfig ${what} is not PEM text`);
  }
}
