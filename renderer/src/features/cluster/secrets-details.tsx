import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

import type { SecretsStatus } from '../../../../common/cluster-view';

function formatDate(iso: string, language: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The cluster's certificates and how long each is valid. */
export function CertificateTable({
  certificates,
}: {
  certificates: SecretsStatus['certificates'];
}) {
  const { t, i18n } = useTranslation();
  return (
    <table className="table compact" data-testid="certificates">
      <caption>{t('secrets.certificates')}</caption>
      <thead>
        <tr>
          <th>{t('secrets.certificate')}</th>
          <th>{t('secrets.validFrom')}</th>
          <th>{t('secrets.validUntil')}</th>
        </tr>
      </thead>
      <tbody>
        {certificates.map((certificate) => (
          <tr key={certificate.name} data-certificate={certificate.name}>
            <td className="mono">{certificate.name}</td>
            <td>
              <time dateTime={certificate.notBefore}>
                {formatDate(certificate.notBefore, i18n.language)}
              </time>
            </td>
            <td>
              <time dateTime={certificate.notAfter}>
                {formatDate(certificate.notAfter, i18n.language)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The SSH key Kubeflash generated for the user: its fingerprint and public key to copy. */
export function UserKeyCard({
  fingerprint,
  publicKey,
}: {
  fingerprint: string | null;
  publicKey: string | null;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const keyId = useId();
  if (!publicKey) return <p className="hint">{t('secrets.noUserKey')}</p>;
  const copy = () =>
    navigator.clipboard.writeText(publicKey).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <div className="user-key" data-testid="user-key">
      <h3>{t('secrets.userKey')}</h3>
      <p>
        <span className="label">{t('secrets.fingerprint')}</span>
        <code className="mono" data-testid="user-key-fingerprint">
          {fingerprint}
        </code>
      </p>
      <label className="label" htmlFor={keyId}>
        {t('secrets.publicKey')}
      </label>
      <textarea
        id={keyId}
        className="mono"
        readOnly
        rows={3}
        value={publicKey}
        onFocus={(event) => event.target.select()}
        data-testid={keyId}
      />
      <div className="row">
        <button type="button" onClick={() => void copy()}>
          {t('secrets.copy')}
        </button>
        {copied === 'yes' && (
          <span className="notice" role="status">
            {t('secrets.copied')}
          </span>
        )}
        {copied === 'failed' && (
          <span className="hint" role="status">
            {t('secrets.copyFailed')}
          </span>
        )}
      </div>
    </div>
  );
}

/** Each node's SSH host key fingerprints, pinned before the node ever boots. */
export function HostKeyTable({ hostKeys }: { hostKeys: SecretsStatus['hostKeys'] }) {
  const { t } = useTranslation();
  if (hostKeys.length === 0) return null;
  return (
    <table className="table compact" data-testid="host-keys">
      <caption>{t('secrets.hostKeys')}</caption>
      <thead>
        <tr>
          <th>{t('nodes.hostname')}</th>
          <th>{t('secrets.fingerprints')}</th>
        </tr>
      </thead>
      <tbody>
        {hostKeys.map((host) => (
          <tr key={host.hostname}>
            <td className="mono">{host.hostname}</td>
            <td className="mono small">
              {host.fingerprints.map((fingerprint) => (
                <div key={fingerprint}>{fingerprint}</div>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
