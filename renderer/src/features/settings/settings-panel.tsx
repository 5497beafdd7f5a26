import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';

import { useApi } from '../../api/api-context';
import type { ThemeChoice } from '../../app/theme';
import { ErrorState, LoadingState } from '../../components/state-views';
import { useAsync } from '../../components/use-async';
import { changeLanguage, type LanguageCode, languages } from '../../i18n';
import { cardDoneAlertsEnabled, setCardDoneAlertsEnabled } from '../flash/card-done-alerts';
import { ImageCacheSettings } from './image-cache-settings';

export function SettingsPanel({
  theme,
  onTheme,
}: {
  theme: ThemeChoice;
  onTheme: (t: ThemeChoice) => void;
}) {
  const { t, i18n } = useTranslation();
  const { api } = useApi();
  const load = useCallback(() => api.getSettings({}), [api]);
  const [settings, reload] = useAsync(load);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [alerts, setAlerts] = useState(cardDoneAlertsEnabled);

  async function setIncludeLoop(value: boolean) {
    try {
      await api.updateSettings({ includeLoopDevices: value });
      setSaveError(null);
    } catch (error) {
      setSaveError(error);
    }
    reload();
  }

  return (
    <>
      <section className="form">
        <label>
          <span className="label">{t('settings.language')}</span>
          <select
            data-testid="language"
            value={i18n.language}
            onChange={(e) => void changeLanguage(e.target.value as LanguageCode)}
          >
            {languages.map((l) => (
              <option key={l.code} value={l.code}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">{t('settings.theme')}</span>
          <select
            data-testid="theme"
            value={theme}
            onChange={(e) => onTheme(e.target.value as ThemeChoice)}
          >
            <option value="system">{t('settings.themeSystem')}</option>
            <option value="light">{t('settings.themeLight')}</option>
            <option value="dark">{t('settings.themeDark')}</option>
          </select>
        </label>
        {settings.status === 'loading' && <LoadingState />}
        {settings.status === 'error' && <ErrorState error={settings.error} onRetry={reload} />}
        {settings.status === 'ready' && (
          <label className="check">
            <input
              type="checkbox"
              data-testid="include-loop"
              checked={settings.data.includeLoopDevices}
              onChange={(e) => void setIncludeLoop(e.target.checked)}
            />
            {t('settings.includeLoop')}
          </label>
        )}
        <label className="check">
          <input
            type="checkbox"
            data-testid="card-done-alerts"
            checked={alerts}
            onChange={(e) => {
              setCardDoneAlertsEnabled(e.target.checked);
              setAlerts(e.target.checked);
            }}
          />
          {t('settings.cardDoneAlerts')}
        </label>
        {saveError !== null && <ErrorState error={saveError} />}
      </section>
      <ImageCacheSettings />
    </>
  );
}
