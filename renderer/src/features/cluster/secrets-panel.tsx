import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { EmptyState, InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from './cluster-context';
import { CertificateTable, HostKeyTable, UserKeyCard } from './secrets-details';
import { UnlockForm } from './unlock-form';

/** The encrypted secrets beside the plan: locked (passphrase) or unlocked (what they hold). */
export function SecretsPanel({ passphraseKeychain }: { passphraseKeychain: boolean }) {
  const { t } = useTranslation();
  const { secrets } = useOpenCluster().view;
  return (
    <section className="secrets-panel" data-testid="secrets-panel">
      <p className="hint">
        {t('secrets.file')} <span className="mono">{secrets.file}</span>
      </p>
      {!secrets.exists ? (
        <EmptyState title={t('secrets.missingTitle')} body={t('secrets.missingBody')} />
      ) : secrets.unlocked ? (
        <>
          <p className="badge badge-ok" data-testid="secrets-unlocked">
            {t('secrets.unlocked')}
          </p>
          <LockForm passphraseKeychain={passphraseKeychain} />
          <CertificateTable certificates={secrets.certificates} />
          <UserKeyCard fingerprint={secrets.userKeyFingerprint} publicKey={secrets.userPublicKey} />
          <HostKeyTable hostKeys={secrets.hostKeys} />
        </>
      ) : (
        <>
          <p className="badge badge-warn" data-testid="secrets-locked">
            {t('secrets.locked')}
          </p>
          <UnlockForm passphraseKeychain={passphraseKeychain} />
        </>
      )}
    </section>
  );
}

function LockForm({ passphraseKeychain }: { passphraseKeychain: boolean }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view, refresh } = useOpenCluster();
  const [forget, setForget] = useState(false);
  const lock = useCallback(
    async () => refresh(await api.lockSecrets({ path: view.path, forget })),
    [api, view.path, forget, refresh],
  );
  const [locking, runLock] = useAction(lock);
  return (
    <div className="row lock-form">
      <button
        type="button"
        onClick={() => void runLock()}
        disabled={locking.status === 'busy'}
        data-testid="lock"
      >
        {t('secrets.lock')}
      </button>
      {passphraseKeychain && (
        <label className="check">
          <input
            type="checkbox"
            checked={forget}
            onChange={(event) => setForget(event.target.checked)}
          />
          {t('secrets.forget')}
        </label>
      )}
      {locking.status === 'failed' && <InlineError error={locking.error} />}
    </div>
  );
}
