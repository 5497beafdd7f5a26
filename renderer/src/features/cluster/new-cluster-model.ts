import {
  type Cluster,
  createCluster,
  type DistributionName,
  NewClusterOptions,
  validateCluster,
  type ValidationIssue,
} from '../../../../common/cluster';
import type { CallParams } from '../../../../common/contract';
import { KubeflashError } from '../../../../common/errors';
import { optionalText, splitLines, splitWords } from './plan-edits';

/** The new-cluster form as typed; `toNewClusterOptions` turns it into createCluster's input. */
export interface NewClusterForm {
  path: string;
  name: string;
  distribution: DistributionName;
  controlPlanes: 1 | 3 | 5;
  virtualIp: string;
  networkInterface: 'eth0' | 'wlan0';
  ssid: string;
  country: string;
  hiddenSsid: boolean;
  wifiPassphrase: string;
  addressing: 'static' | 'dhcp';
  subnet: string;
  gateway: string;
  dns: string;
  firstIp: string;
  workers: string;
  hostnamePrefix: string;
  sshUser: string;
  authorizedKeys: string;
  timezone: string;
  passphrase: string;
  passphraseAgain: string;
  overwrite: boolean;
}

export type NewClusterField = keyof NewClusterForm;

export function defaultNewClusterForm(timezone: string): NewClusterForm {
  return {
    path: '',
    name: '',
    distribution: 'k3s',
    controlPlanes: 1,
    virtualIp: '',
    networkInterface: 'eth0',
    ssid: '',
    country: '',
    hiddenSsid: false,
    wifiPassphrase: '',
    addressing: 'static',
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: '192.168.1.1',
    firstIp: '192.168.1.101',
    workers: '2',
    hostnamePrefix: 'rpi-kube',
    sshUser: 'pi',
    authorizedKeys: '',
    timezone,
    passphrase: '',
    passphraseAgain: '',
    overwrite: false,
  };
}

export function toNewClusterOptions(form: NewClusterForm): NewClusterOptions {
  const wifi =
    form.networkInterface === 'wlan0'
      ? { ssid: form.ssid, country: form.country.trim(), hidden: form.hiddenSsid }
      : undefined;
  return {
    name: form.name.trim(),
    distribution: form.distribution,
    controlPlanes: form.controlPlanes,
    workers: form.workers.trim() === '' ? Number.NaN : Number(form.workers),
    hostnamePrefix: form.hostnamePrefix.trim(),
    virtualIP: optionalText(form.virtualIp.trim()),
    interface: form.networkInterface,
    addressing: form.addressing,
    subnet: form.subnet.trim(),
    gateway: optionalText(form.gateway.trim()),
    dns: splitWords(form.dns),
    firstIp: optionalText(form.firstIp.trim()),
    ...(wifi ? { wifi } : {}),
    sshUser: form.sshUser.trim(),
    authorizedKeys: splitLines(form.authorizedKeys),
    timezone: form.timezone.trim(),
  };
}

/** Problems the form itself knows (the plan's rules come from validateCluster). */
export type FormProblem = 'required' | 'mismatch';

const requiredFields = ['path', 'name', 'subnet', 'passphrase'] as const;

export function formProblems(form: NewClusterForm): Partial<Record<NewClusterField, FormProblem>> {
  const problems: Partial<Record<NewClusterField, FormProblem>> = {};
  for (const field of requiredFields) if (form[field].trim() === '') problems[field] = 'required';
  if (form.passphrase !== form.passphraseAgain) problems.passphraseAgain = 'mismatch';
  return problems;
}

export interface NewClusterPreview {
  /** The plan createCluster makes of the form, or null when it cannot make one. */
  cluster: Cluster | null;
  /** Plan issues, filed under the form field that causes them. */
  issues: Partial<Record<NewClusterField, ValidationIssue[]>>;
  /** Issues no single field causes. */
  general: ValidationIssue[];
}

/**
 * What the form would create, checked live with the same functions the Node side uses
 * (NewClusterOptions, createCluster, validateCluster). An empty name is stood in for, so the
 * rest of the form is still checked; the form reports the name as required instead.
 */
export function previewNewCluster(form: NewClusterForm): NewClusterPreview {
  const options = toNewClusterOptions(form);
  const nameMissing = options.name === '';
  const preview: NewClusterPreview = { cluster: null, issues: {}, general: [] };
  const file = (issue: ValidationIssue, field: NewClusterField | null) => {
    if (field === 'name' && nameMissing) return;
    if (field === null) preview.general.push(issue);
    else (preview.issues[field] ??= []).push(issue);
  };
  const parsed = NewClusterOptions.safeParse({ ...options, name: options.name || 'cluster' });
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      file(
        { severity: 'error', path: issue.path.join('.'), message: issue.message },
        fieldOfOption(String(issue.path[0])),
      );
    return preview;
  }
  try {
    preview.cluster = createCluster(parsed.data);
  } catch (error) {
    const subject = error instanceof KubeflashError ? error.subject : undefined;
    const message = error instanceof Error ? error.message : String(error);
    file(
      { severity: 'error', path: subject ?? '', message },
      subject === 'namePattern' ? 'hostnamePrefix' : 'firstIp',
    );
    return preview;
  }
  const wifiPassphrase =
    form.networkInterface === 'wlan0' && form.wifiPassphrase !== ''
      ? form.wifiPassphrase
      : undefined;
  const hasVip = options.virtualIP !== undefined;
  for (const issue of validateCluster(preview.cluster, { wifiPassphrase }))
    file(issue, fieldOfIssuePath(issue.path, hasVip));
  return preview;
}

const optionFields: Partial<Record<string, NewClusterField>> = {
  name: 'name',
  distribution: 'distribution',
  controlPlanes: 'controlPlanes',
  workers: 'workers',
  hostnamePrefix: 'hostnamePrefix',
  virtualIP: 'virtualIp',
  subnet: 'subnet',
  gateway: 'gateway',
  dns: 'dns',
  firstIp: 'firstIp',
  wifi: 'ssid',
  sshUser: 'sshUser',
  authorizedKeys: 'authorizedKeys',
  timezone: 'timezone',
};

function fieldOfOption(option: string): NewClusterField | null {
  return optionFields[option] ?? null;
}

const pathFields: [RegExp, NewClusterField][] = [
  [/^metadata\.name$/, 'name'],
  [/^spec\.distribution\b/, 'distribution'],
  [/^spec\.controlPlane\.virtualIP\b/, 'virtualIp'],
  [/^spec\.network\.(subnet|podCIDR|serviceCIDR)$/, 'subnet'],
  [/^spec\.network\.gateway$/, 'gateway'],
  [/^spec\.network\.dns\b/, 'dns'],
  [/^spec\.network\.wifi\.country$/, 'country'],
  [/^spec\.network\.wifi\b/, 'ssid'],
  [/^secrets\.wifiPassphrase$/, 'wifiPassphrase'],
  [/^spec\.nodes\.\d+\.ip$/, 'firstIp'],
  [/^spec\.nodes\.\d+\.hostname$/, 'hostnamePrefix'],
  [/^spec\.nodes(\.\d+\.init)?$/, 'controlPlanes'],
  [/^spec\.ssh\.user$/, 'sshUser'],
  [/^spec\.ssh\.authorizedKeys\b/, 'authorizedKeys'],
  [/^spec\.system\.timezone$/, 'timezone'],
];

/** The form field that causes a plan issue, or null for one no field causes. */
export function fieldOfIssuePath(path: string, hasVip: boolean): NewClusterField | null {
  if (path === 'spec.controlPlane.endpoint') return hasVip ? 'virtualIp' : 'firstIp';
  return pathFields.find(([pattern]) => pattern.test(path))?.[1] ?? null;
}

/** The Node side's CreateClusterRequest, from the form. */
export function toCreateRequest(form: NewClusterForm): CallParams<'createCluster'> {
  return {
    path: form.path.trim(),
    options: toNewClusterOptions(form),
    passphrase: form.passphrase,
    ...(form.networkInterface === 'wlan0' && form.wifiPassphrase !== ''
      ? { wifiPassphrase: form.wifiPassphrase }
      : {}),
    overwrite: form.overwrite,
  };
}
