import { useTranslation } from 'react-i18next';

import { CheckField } from '../../../components/choice-fields';
import { TextField } from '../../../components/text-fields';
import { optionalText, withAddon } from '../plan-edits';
import { usePlanBinding } from './use-plan-binding';

export function AddonSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { metallb, nfs, dashboard } = cluster.spec.addons;
  return (
    <fieldset className="form-section" data-testid="settings-addons">
      <legend>{t('fields.addons')}</legend>
      <CheckField
        label={t('fields.metallb')}
        checked={metallb.enabled}
        onChange={(enabled) =>
          update('spec.addons.metallb.enabled', (c) => withAddon(c, 'metallb', { enabled }))
        }
        testId="plan-metallb"
      />
      {metallb.enabled && (
        <div className="form-grid indent">
          <TextField
            label={t('fields.metallbPool')}
            value={metallb.addresses ?? ''}
            onChange={(v) =>
              update('spec.addons.metallb.addresses', (c) =>
                withAddon(c, 'metallb', { addresses: optionalText(v) }),
              )
            }
            issues={issuesAt('spec.addons.metallb')}
            placeholder="192.168.1.200-192.168.1.220"
            spellCheck={false}
            testId="plan-metallb-pool"
          />
        </div>
      )}
      <CheckField
        label={t('fields.nfs')}
        checked={nfs.enabled}
        onChange={(enabled) =>
          update('spec.addons.nfs.enabled', (c) => withAddon(c, 'nfs', { enabled }))
        }
        testId="plan-nfs"
      />
      {nfs.enabled && (
        <div className="form-grid indent">
          <TextField
            label={t('fields.nfsServer')}
            value={nfs.server ?? ''}
            onChange={(v) =>
              update('spec.addons.nfs.server', (c) =>
                withAddon(c, 'nfs', { server: optionalText(v) }),
              )
            }
            issues={issuesAt('spec.addons.nfs.server')}
            placeholder="192.168.1.10"
            spellCheck={false}
            testId="plan-nfs-server"
          />
          <TextField
            label={t('fields.nfsPath')}
            value={nfs.path ?? ''}
            onChange={(v) =>
              update('spec.addons.nfs.path', (c) => withAddon(c, 'nfs', { path: optionalText(v) }))
            }
            issues={issuesAt('spec.addons.nfs.path')}
            placeholder="/srv/nfs/kubernetes"
            spellCheck={false}
            testId="plan-nfs-path"
          />
          <TextField
            label={t('fields.storageClass')}
            value={nfs.storageClass}
            onChange={(v) =>
              update('spec.addons.nfs.storageClass', (c) =>
                withAddon(c, 'nfs', { storageClass: v }),
              )
            }
            issues={issuesAt('spec.addons.nfs.storageClass')}
            spellCheck={false}
            testId="plan-nfs-storage-class"
          />
        </div>
      )}
      <CheckField
        label={t('fields.dashboard')}
        checked={dashboard.enabled}
        onChange={(enabled) =>
          update('spec.addons.dashboard.enabled', (c) => withAddon(c, 'dashboard', { enabled }))
        }
        testId="plan-dashboard"
      />
    </fieldset>
  );
}
