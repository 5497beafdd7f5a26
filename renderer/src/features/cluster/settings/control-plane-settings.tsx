import { useTranslation } from 'react-i18next';

import { allowedVipProviders, VirtualIp } from '../../../../../common/cluster';
import { CheckField, SelectField } from '../../../components/choice-fields';
import { IntegerField, TextField } from '../../../components/text-fields';
import { setVirtualIpAddress, setVirtualIpEnabled, withSpec } from '../plan-edits';
import { usePlanBinding } from './use-plan-binding';

const providers = VirtualIp.shape.provider.options;

export function ControlPlaneSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { controlPlane } = cluster.spec;
  const vip = controlPlane.virtualIP;
  const allowed = allowedVipProviders[cluster.spec.distribution.name];
  const providerChoices = providers
    .filter((p) => allowed.includes(p) || p === vip?.provider)
    .map((p) => ({ value: p, label: t(`fields.providers.${p}`) }));
  return (
    <fieldset className="form-section" data-testid="settings-control-plane">
      <legend>{t('fields.controlPlane')}</legend>
      <CheckField
        label={t('fields.useVirtualIp')}
        checked={Boolean(vip)}
        onChange={(on) => update('spec.controlPlane.virtualIP', (c) => setVirtualIpEnabled(c, on))}
        issues={issuesAt('spec.controlPlane.virtualIP', true)}
        hint={t('fields.useVirtualIpHint')}
        testId="plan-use-vip"
      />
      <div className="form-grid">
        {vip && (
          <>
            <TextField
              label={t('fields.virtualIp')}
              value={vip.address}
              onChange={(v) =>
                update('spec.controlPlane.virtualIP.address', (c) => setVirtualIpAddress(c, v))
              }
              issues={issuesAt('spec.controlPlane.virtualIP.address')}
              spellCheck={false}
              testId="plan-vip"
            />
            <SelectField
              label={t('fields.vipProvider')}
              value={vip.provider}
              choices={providerChoices}
              onChange={(provider) =>
                update('spec.controlPlane.virtualIP.provider', (c) =>
                  withSpec(c, 'controlPlane', { virtualIP: { ...vip, provider } }),
                )
              }
              issues={issuesAt('spec.controlPlane.virtualIP.provider')}
              testId="plan-vip-provider"
            />
          </>
        )}
        <TextField
          label={t('fields.endpoint')}
          value={controlPlane.endpoint}
          onChange={(v) =>
            update('spec.controlPlane.endpoint', (c) =>
              withSpec(c, 'controlPlane', { endpoint: v }),
            )
          }
          issues={issuesAt('spec.controlPlane.endpoint')}
          hint={t('fields.endpointHint')}
          spellCheck={false}
          testId="plan-endpoint"
        />
        <IntegerField
          label={t('fields.port')}
          value={controlPlane.port}
          min={1}
          max={65535}
          notANumber={t('fields.portInvalid')}
          onChange={(port) =>
            update('spec.controlPlane.port', (c) => withSpec(c, 'controlPlane', { port }))
          }
          issues={issuesAt('spec.controlPlane.port')}
          testId="plan-port"
        />
      </div>
    </fieldset>
  );
}
