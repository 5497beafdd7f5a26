import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import { InlineError } from '../../components/state-views';
import { useAction } from '../../components/use-action';
import { useOpenCluster } from './cluster-context';

/** Unlock the secrets file with its passphrase (optionally kept in the OS keychain). */
export function UnlockForm({ passphraseKeychain }: { passphraseKeychain: boolean }) {
  const { t } = useTranslation();
  const { api } = useApi();
  const { view, refresh } = useOpenCluster();
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  const unlock = useCallback(
    async (given: string | undefined) => {
      const unlocked = await api.unlockSecrets({
        path: view.path,
        ...(given === undefined ? {} : { passphrase: given }),
        remember: given !== undefined && remember,
      });
      setPassphrase('');
      refresh(unlocked);
    },
    [api, view.path, remember, refresh],
  );
  const [unlocking, runUnlock] = useAction(unlock);
  const busy = unlocking.status === 'busy';

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void runUnlock(passphrase);
  };

  return (
    <form className="unlock-form" onSubmit={onSubmit} data-testid="unlock-form">
      <p>{t('secrets.lockedBody')}</p>
      <div className="row">
        <label className="grow">
          <span className="label">{t('secrets.passphrase')}</span>
          <input
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(event) => setPassphrase(event.target.value)}
            data-testid="unlock-passphrase"
          />
        </label>
        <button type="submit" disabled={busy || passphrase === ''} data-testid="unlock">
          {busy ? t('secrets.unlocking') : t('secrets.unlock')}
        </button>
        {passphraseKeychain && (
          <button type="button" disabled={busy} onClick={() => void runUnlock(undefined)}>
            {t('secrets.unlockSaved')}
          </button>
        )}
      </div>
      {passphraseKeychain && (
        <label className="check">
          <input
            type="checkbox"
            checked={remember}
            onChange={(event) => setRemember(event.target.checked)}
            data-testid="unlock-remember"
          />
          {t('secrets.remember')}
        </label>
      )}
      {unlocking.status === 'failed' && <InlineError error={unlocking.error} />}
    </form>
  );
}
