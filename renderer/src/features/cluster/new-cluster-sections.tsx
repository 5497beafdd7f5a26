import { useTranslation } from 'react-i18next';

import { type Cluster, distributionNames } from '../../../../common/cluster';
import { CheckField, RadioField, SelectField } from '../../components/choice-fields';
import { Field } from '../../components/field';
import { TextField } from '../../components/text-fields';
import { BrowseButton } from './browse-button';
import type { NewClusterBinding } from './new-cluster-binding';
import { TimezoneList, timezoneListId } from './timezone-list';

const controlPlaneCounts = ['1', '3', '5'] as const;

export function NewClusterBasics({ binding }: { binding: NewClusterBinding }) {
  const { t } = useTranslation();
  const { form, set, issues, problem } = binding;
  return (
    <fieldset className="form-section">
      <legend>{t('newCluster.basics')}</legend>
      <div className="form-grid">
        <TextField
          label={t('fields.name')}
          name="name"
          value={form.name}
          onChange={(v) => set('name', v)}
          issues={issues('name')}
          problem={problem('name')}
          placeholder="lab"
          spellCheck={false}
          testId="new-name"
        />
        <SelectField
          label={t('fields.distribution')}
          value={form.distribution}
          choices={distributionNames.map((name) => ({ value: name, label: name }))}
          onChange={(v) => set('distribution', v)}
          issues={issues('distribution')}
          testId="new-distribution"
        />
        <RadioField
          label={t('newCluster.controlPlanes')}
          name="controlPlanes"
          value={String(form.controlPlanes) as (typeof controlPlaneCounts)[number]}
          choices={controlPlaneCounts.map((n) => ({ value: n, label: n }))}
          onChange={(v) => set('controlPlanes', Number(v) as 1 | 3 | 5)}
          issues={issues('controlPlanes')}
          hint={t('newCluster.controlPlanesHint')}
          testId="new-control-planes"
        />
        <TextField
          label={t('fields.virtualIp')}
          name="virtualIp"
          value={form.virtualIp}
          onChange={(v) => set('virtualIp', v)}
          issues={issues('virtualIp')}
          hint={
            form.controlPlanes > 1
              ? t('newCluster.virtualIpNeeded')
              : t('newCluster.virtualIpOptional')
          }
          placeholder="192.168.1.100"
          spellCheck={false}
          testId="new-virtual-ip"
        />
        <TextField
          label={t('newCluster.workers')}
          name="workers"
          value={form.workers}
          onChange={(v) => set('workers', v)}
          issues={issues('workers')}
          inputMode="numeric"
          testId="new-workers"
        />
        <TextField
          label={t('newCluster.hostnamePrefix')}
          name="hostnamePrefix"
          value={form.hostnamePrefix}
          onChange={(v) => set('hostnamePrefix', v)}
          issues={issues('hostnamePrefix')}
          hint={t('newCluster.hostnamePrefixHint', { prefix: form.hostnamePrefix || 'rpi-kube' })}
          spellCheck={false}
          testId="new-hostname-prefix"
        />
      </div>
    </fieldset>
  );
}

export function NewClusterNetwork({ binding }: { binding: NewClusterBinding }) {
  const { t } = useTranslation();
  const { form, set, issues, problem } = binding;
  const wifi = form.networkInterface === 'wlan0';
  return (
    <fieldset className="form-section">
      <legend>{t('fields.network')}</legend>
      <div className="form-grid">
        <RadioField
          label={t('fields.interface')}
          name="networkInterface"
          value={form.networkInterface}
          choices={[
            { value: 'eth0', label: t('fields.ethernet') },
            { value: 'wlan0', label: t('fields.wifi') },
          ]}
          onChange={(v) => set('networkInterface', v)}
          testId="new-interface"
        />
        <RadioField
          label={t('fields.addressing')}
          name="addressing"
          value={form.addressing}
          choices={[
            { value: 'static', label: t('fields.static') },
            { value: 'dhcp', label: t('fields.dhcp') },
          ]}
          onChange={(v) => set('addressing', v)}
          testId="new-addressing"
        />
      </div>
      {wifi && (
        <div className="form-grid">
          <TextField
            label={t('fields.ssid')}
            name="ssid"
            value={form.ssid}
            onChange={(v) => set('ssid', v)}
            issues={issues('ssid')}
            spellCheck={false}
            testId="new-ssid"
          />
          <TextField
            label={t('fields.country')}
            name="country"
            value={form.country}
            onChange={(v) => set('country', v.toUpperCase())}
            issues={issues('country')}
            hint={t('fields.countryHint')}
            maxLength={2}
            placeholder="GB"
            testId="new-country"
          />
          <TextField
            label={t('newCluster.wifiPassphrase')}
            name="wifiPassphrase"
            type="password"
            autoComplete="off"
            value={form.wifiPassphrase}
            onChange={(v) => set('wifiPassphrase', v)}
            issues={issues('wifiPassphrase')}
            hint={t('newCluster.wifiPassphraseHint')}
            testId="new-wifi-passphrase"
          />
          <CheckField
            label={t('fields.hiddenSsid')}
            checked={form.hiddenSsid}
            onChange={(v) => set('hiddenSsid', v)}
            testId="new-hidden-ssid"
          />
        </div>
      )}
      <div className="form-grid">
        <TextField
          label={t('fields.subnet')}
          name="subnet"
          value={form.subnet}
          onChange={(v) => set('subnet', v)}
          issues={issues('subnet')}
          problem={problem('subnet')}
          placeholder="192.168.1.0/24"
          spellCheck={false}
          testId="new-subnet"
        />
        <TextField
          label={t('fields.gateway')}
          name="gateway"
          value={form.gateway}
          onChange={(v) => set('gateway', v)}
          issues={issues('gateway')}
          spellCheck={false}
          testId="new-gateway"
        />
        <TextField
          label={t('fields.dns')}
          name="dns"
          value={form.dns}
          onChange={(v) => set('dns', v)}
          issues={issues('dns')}
          hint={t('fields.dnsHint')}
          spellCheck={false}
          testId="new-dns"
        />
        <TextField
          label={t('newCluster.firstIp')}
          name="firstIp"
          value={form.firstIp}
          onChange={(v) => set('firstIp', v)}
          issues={issues('firstIp')}
          hint={t(
            form.addressing === 'dhcp' ? 'newCluster.firstIpDhcpHint' : 'newCluster.firstIpHint',
          )}
          spellCheck={false}
          testId="new-first-ip"
        />
      </div>
    </fieldset>
  );
}

export function NewClusterAccess({ binding }: { binding: NewClusterBinding }) {
  const { t } = useTranslation();
  const { form, set, issues } = binding;
  return (
    <fieldset className="form-section">
      <legend>{t('newCluster.access')}</legend>
      <div className="form-grid">
        <TextField
          label={t('fields.sshUser')}
          name="sshUser"
          value={form.sshUser}
          onChange={(v) => set('sshUser', v)}
          issues={issues('sshUser')}
          spellCheck={false}
          autoComplete="off"
          testId="new-ssh-user"
        />
        <TextField
          label={t('fields.timezone')}
          name="timezone"
          value={form.timezone}
          onChange={(v) => set('timezone', v)}
          issues={issues('timezone')}
          list={timezoneListId}
          spellCheck={false}
          testId="new-timezone"
        />
      </div>
      <TimezoneList />
      <Field
        label={t('fields.authorizedKeys')}
        issues={issues('authorizedKeys')}
        hint={t('fields.authorizedKeysHint')}
      >
        {(control) => (
          <textarea
            {...control}
            name="authorizedKeys"
            className="mono"
            rows={3}
            value={form.authorizedKeys}
            onChange={(event) => set('authorizedKeys', event.target.value)}
            placeholder="ssh-ed25519 AAAA… me@laptop"
            spellCheck={false}
            data-testid="new-authorized-keys"
          />
        )}
      </Field>
    </fieldset>
  );
}

export function NewClusterFiles({
  binding,
  fileDialogs,
}: {
  binding: NewClusterBinding;
  fileDialogs: boolean;
}) {
  const { t } = useTranslation();
  const { form, set, problem } = binding;
  return (
    <fieldset className="form-section">
      <legend>{t('newCluster.files')}</legend>
      <div className="row">
        <TextField
          className="grow"
          label={t('newCluster.path')}
          name="path"
          value={form.path}
          onChange={(v) => set('path', v)}
          problem={problem('path')}
          hint={t('newCluster.pathHint')}
          placeholder={t('cluster.pathPlaceholder')}
          spellCheck={false}
          testId="new-path"
        />
        {fileDialogs && <BrowseButton purpose="save" onPicked={(path) => set('path', path)} />}
      </div>
      <div className="form-grid">
        <TextField
          label={t('newCluster.passphrase')}
          name="passphrase"
          type="password"
          autoComplete="new-password"
          value={form.passphrase}
          onChange={(v) => set('passphrase', v)}
          problem={problem('passphrase')}
          hint={t('newCluster.passphraseHint')}
          testId="new-passphrase"
        />
        <TextField
          label={t('newCluster.passphraseAgain')}
          name="passphraseAgain"
          type="password"
          autoComplete="new-password"
          value={form.passphraseAgain}
          onChange={(v) => set('passphraseAgain', v)}
          problem={problem('passphraseAgain')}
          testId="new-passphrase-again"
        />
      </div>
      <CheckField
        label={t('newCluster.overwrite')}
        checked={form.overwrite}
        onChange={(v) => set('overwrite', v)}
        testId="new-overwrite"
      />
    </fieldset>
  );
}

/** The nodes the form would plan, so the sequences can be checked before creating. */
export function NewClusterNodePreview({ cluster }: { cluster: Cluster | null }) {
  const { t } = useTranslation();
  if (!cluster) return null;
  return (
    <details className="node-preview" data-testid="new-node-preview">
      <summary>{t('newCluster.preview', { count: cluster.spec.nodes.length })}</summary>
      <table className="table compact">
        <thead>
          <tr>
            <th>{t('nodes.hostname')}</th>
            <th>{t('nodes.role')}</th>
            <th>{t('nodes.ip')}</th>
          </tr>
        </thead>
        <tbody>
          {cluster.spec.nodes.map((node) => (
            <tr key={node.hostname}>
              <td className="mono">{node.hostname}</td>
              <td>{t(`roles.${node.role}`)}</td>
              <td className="mono">{node.ip ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
