import { useTranslation } from 'react-i18next';

import { allowedCnis, ClusterSpec } from '../../../../../common/cluster';
import { CheckField, RadioField, SelectField } from '../../../components/choice-fields';
import { IssueList } from '../../../components/issue-list';
import { TextField, WordListField } from '../../../components/text-fields';
import { optionalText, setInterface, splitWords, withSpec, withWifi } from '../plan-edits';
import { usePlanBinding } from './use-plan-binding';

const networkShape = ClusterSpec.shape.network.shape;
const cnis = networkShape.cni.options;
const flannelBackends = networkShape.flannelBackend.unwrap().options;

export function NetworkSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const { network } = cluster.spec;
  const allowed = allowedCnis[cluster.spec.distribution.name];
  const text = (path: string, key: 'subnet' | 'podCIDR' | 'serviceCIDR', testId: string) => (
    <TextField
      label={t(`fields.${key}`)}
      value={network[key]}
      onChange={(v) => update(path, (c) => withSpec(c, 'network', { [key]: v }))}
      issues={issuesAt(path)}
      spellCheck={false}
      testId={testId}
    />
  );
  return (
    <fieldset className="form-section" data-testid="settings-network">
      <legend>{t('fields.network')}</legend>
      <div className="form-grid">
        <RadioField
          label={t('fields.interface')}
          name="plan-interface"
          value={network.interface}
          choices={[
            { value: 'eth0', label: t('fields.ethernet') },
            { value: 'wlan0', label: t('fields.wifi') },
          ]}
          onChange={(v) => update('spec.network.interface', (c) => setInterface(c, v))}
          issues={issuesAt('spec.network.interface')}
          testId="plan-interface"
        />
        <RadioField
          label={t('fields.addressing')}
          name="plan-addressing"
          value={network.addressing}
          choices={[
            { value: 'static', label: t('fields.static') },
            { value: 'dhcp', label: t('fields.dhcp') },
          ]}
          onChange={(addressing) =>
            update('spec.network.addressing', (c) => withSpec(c, 'network', { addressing }))
          }
          issues={issuesAt('spec.network.addressing')}
          testId="plan-addressing"
        />
      </div>
      {network.interface === 'wlan0' && <WifiSettings />}
      {network.wifi && network.interface !== 'wlan0' && (
        <IssueList issues={issuesAt('spec.network.wifi', true)} />
      )}
      <div className="form-grid">
        {text('spec.network.subnet', 'subnet', 'plan-subnet')}
        <TextField
          label={t('fields.gateway')}
          value={network.gateway ?? ''}
          onChange={(v) =>
            update('spec.network.gateway', (c) =>
              withSpec(c, 'network', { gateway: optionalText(v) }),
            )
          }
          issues={issuesAt('spec.network.gateway')}
          spellCheck={false}
          testId="plan-gateway"
        />
        <WordListField
          label={t('fields.dns')}
          value={network.dns}
          split={splitWords}
          onChange={(dns) => update('spec.network.dns', (c) => withSpec(c, 'network', { dns }))}
          issues={issuesAt('spec.network.dns')}
          hint={t('fields.dnsHint')}
          testId="plan-dns"
        />
        {text('spec.network.podCIDR', 'podCIDR', 'plan-pod-cidr')}
        {text('spec.network.serviceCIDR', 'serviceCIDR', 'plan-service-cidr')}
        <SelectField
          label={t('fields.cni')}
          value={network.cni}
          choices={cnis
            .filter((cni) => allowed.includes(cni) || cni === network.cni)
            .map((cni) => ({ value: cni, label: cni }))}
          onChange={(cni) => update('spec.network.cni', (c) => withSpec(c, 'network', { cni }))}
          issues={issuesAt('spec.network.cni')}
          testId="plan-cni"
        />
        {network.cni === 'flannel' && (
          <SelectField
            label={t('fields.flannelBackend')}
            value={network.flannelBackend}
            choices={flannelBackends.map((backend) => ({
              value: backend,
              label: t(`fields.backends.${backend}`),
            }))}
            onChange={(flannelBackend) =>
              update('spec.network.flannelBackend', (c) =>
                withSpec(c, 'network', { flannelBackend }),
              )
            }
            issues={issuesAt('spec.network.flannelBackend')}
            testId="plan-flannel-backend"
          />
        )}
      </div>
    </fieldset>
  );
}

function WifiSettings() {
  const { t } = useTranslation();
  const { cluster, update, issuesAt } = usePlanBinding();
  const wifi = cluster.spec.network.wifi;
  return (
    <div className="form-grid">
      <TextField
        label={t('fields.ssid')}
        value={wifi?.ssid ?? ''}
        onChange={(ssid) => update('spec.network.wifi.ssid', (c) => withWifi(c, { ssid }))}
        issues={[...issuesAt('spec.network.wifi', true), ...issuesAt('spec.network.wifi.ssid')]}
        spellCheck={false}
        testId="plan-ssid"
      />
      <TextField
        label={t('fields.country')}
        value={wifi?.country ?? ''}
        onChange={(v) =>
          update('spec.network.wifi.country', (c) => withWifi(c, { country: v.toUpperCase() }))
        }
        issues={issuesAt('spec.network.wifi.country')}
        hint={t('fields.countryHint')}
        maxLength={2}
        testId="plan-country"
      />
      <CheckField
        label={t('fields.hiddenSsid')}
        checked={wifi?.hidden ?? false}
        onChange={(hidden) => update('spec.network.wifi.hidden', (c) => withWifi(c, { hidden }))}
        testId="plan-hidden-ssid"
      />
      <IssueList issues={issuesAt('secrets.wifiPassphrase')} />
    </div>
  );
}
