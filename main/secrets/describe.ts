import type { Secrets } from './schema';

/** What a vault holds, without a single value: safe to show in the UI or print in the CLI. */
export interface SecretsSummary {
  /** The distribution's PKI items (CAs, service-account key) by name. */
  pki: string[];
  adminCertificate: boolean;
  tokens: string[];
  sshUserKey: boolean;
  /** Hostnames that have pre-generated host keys. */
  sshHostKeys: string[];
  passwordHash: boolean;
  wifiPassphrase: boolean;
}

export function describeSecrets(secrets: Secrets): SecretsSummary {
  const sorted = (record: object | undefined) => Object.keys(record ?? {}).sort();
  return {
    pki: Object.keys(secrets.pki ?? {})
      .filter((key) => key !== 'distribution' && key !== 'clusterName')
      .sort(),
    adminCertificate: secrets.admin !== undefined,
    tokens: sorted(secrets.tokens),
    sshUserKey: secrets.ssh?.user !== undefined,
    sshHostKeys: sorted(secrets.ssh?.hostKeys),
    passwordHash: secrets.passwordHash !== undefined,
    wifiPassphrase: secrets.wifiPassphrase !== undefined,
  };
}
