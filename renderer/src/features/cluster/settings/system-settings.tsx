import { useTranslation } from 'react-i18next';

import { LinesField, TextField } from '../../../components/text-fields';
import { splitLines, withSpec } from '../plan-edits';
import { TimezoneList, timezoneListId } from '../timezone-list';
import { usePlanBinding } from './use-plan-binding';

export function SystemSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { system } = cluster.spec;
  return (
    <fieldset className="form-section" data-testid="settings-system">
      <legend>{t('fields.system')}</legend>
      <div className="form-grid">
        <TextField
          label={t('fields.timezone')}
          value={system.timezone}
          onChange={(v) =>
            update('spec.system.timezone', (c) => withSpec(c, 'system', { timezone: v }))
          }
          issues={issuesAt('spec.system.timezone')}
          list={timezoneListId}
          spellCheck={false}
          testId="plan-timezone"
        />
        <TextField
          label={t('fields.locale')}
          value={system.locale}
          onChange={(v) =>
            update('spec.system.locale', (c) => withSpec(c, 'system', { locale: v }))
          }
          issues={issuesAt('spec.system.locale')}
          placeholder="en_US.UTF-8"
          spellCheck={false}
          testId="plan-locale"
        />
        <TextField
          label={t('fields.keyboard')}
          value={system.keyboardLayout}
          onChange={(v) =>
            update('spec.system.keyboardLayout', (c) =>
              withSpec(c, 'system', { keyboardLayout: v }),
            )
          }
          issues={issuesAt('spec.system.keyboardLayout')}
          placeholder="us"
          spellCheck={false}
          testId="plan-keyboard"
        />
      </div>
      <TimezoneList />
    </fieldset>
  );
}

export function SshSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { ssh } = cluster.spec;
  return (
    <fieldset className="form-section" data-testid="settings-ssh">
      <legend>{t('fields.ssh')}</legend>
      <div className="form-grid">
        <TextField
          label={t('fields.sshUser')}
          value={ssh.user}
          onChange={(v) => update('spec.ssh.user', (c) => withSpec(c, 'ssh', { user: v }))}
          issues={issuesAt('spec.ssh.user')}
          spellCheck={false}
          autoComplete="off"
          testId="plan-ssh-user"
        />
      </div>
      <LinesField
        label={t('fields.authorizedKeys')}
        value={ssh.authorizedKeys}
        split={splitLines}
        onChange={(authorizedKeys) =>
          update('spec.ssh.authorizedKeys', (c) => withSpec(c, 'ssh', { authorizedKeys }))
        }
        issues={issuesAt('spec.ssh.authorizedKeys')}
        hint={t('fields.authorizedKeysHint')}
        placeholder="ssh-ed25519 AAAA… me@laptop"
        testId="plan-authorized-keys"
      />
    </fieldset>
  );
}
