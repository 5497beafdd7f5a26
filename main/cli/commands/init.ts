import { type Command, InvalidArgumentError, Option } from 'commander';

import type { NewClusterOptions } from '../../../common/cluster';
// The leaf module, not the domain's front door: registering a command must stay cheap.
import { distributionNames } from '../../../common/cluster/versions';
import { withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import { type Prompter, terminalPrompter } from '../prompt';

export interface InitFlags {
  file: string;
  name?: string;
  distribution: NewClusterOptions['distribution'];
  k8sVersion?: string;
  controlPlanes: number;
  workers: number;
  hostnamePrefix: string;
  vip?: string;
  wifi?: boolean;
  dhcp?: boolean;
  subnet?: string;
  gateway?: string;
  dns?: string[];
  firstIp?: string;
  wifiSsid?: string;
  wifiCountry?: string;
  wifiHidden?: boolean;
  wifiPassphraseFile?: string;
  sshUser: string;
  sshKey: string[];
  timezone: string;
  locale: string;
  keyboard: string;
  force?: boolean;
  passphraseFile?: string;
}

const count = (max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max)
    throw new InvalidArgumentError(`a whole number from 0 to ${max}`);
  return n;
};
export const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

export function registerInitCommand(
  program: Command,
  io: CliIo,
  prompter: Prompter | null = terminalPrompter(),
) {
  withPassphraseOptions(
    program
      .command('init')
      .description(
        'Plan a new cluster: cluster file, encrypted secrets (CAs, tokens, SSH keys) and state',
      )
      .option('-f, --file <file>', 'the cluster file to create', 'cluster.yaml')
      .option('--name <name>', 'cluster name (lowercase letters, digits, hyphens)')
      .addOption(
        new Option('--distribution <name>', 'Kubernetes distribution')
          .choices(distributionNames)
          .default('k3s'),
      )
      .option('--k8s-version <version>', 'distribution version (default: the pinned one)')
      .option(
        '--control-planes <n>',
        'control-plane nodes: 1, or 3 (or 5) behind a virtual IP',
        count(7),
        1,
      )
      .option('--workers <n>', 'worker nodes', count(250), 0)
      .option(
        '--hostname-prefix <prefix>',
        'hostnames: <prefix>-cp-01…, <prefix>-worker-01…',
        'rpi-kube',
      )
      .option('--vip <ip>', 'virtual IP of the control plane (needed with more than one)')
      .option('--wifi', 'use wlan0 instead of eth0')
      .option('--dhcp', 'addresses from DHCP instead of static ones')
      .option('--subnet <cidr>', 'the nodes’ subnet, e.g. 192.168.1.0/24')
      .option('--gateway <ip>', 'default gateway')
      .option('--dns <ip,...>', 'DNS servers (repeat or separate with commas)', list)
      .option('--first-ip <ip>', 'address of the first control-plane node; the others follow')
      .option('--wifi-ssid <ssid>', 'Wi-Fi network name')
      .option('--wifi-country <cc>', 'Wi-Fi regulatory country (GB, US, CN, …)')
      .option('--wifi-hidden', 'the Wi-Fi network does not broadcast its name')
      .option('--wifi-passphrase-file <file>', 'file holding the Wi-Fi passphrase (kept encrypted)')
      .option('--ssh-user <user>', 'login user on every node', 'pi')
      .option(
        '--ssh-key <file>',
        'public key file to authorise (repeatable; a key is generated for the app anyway)',
        (v: string, p: string[]) => [...p, v],
        [] as string[],
      )
      .option('--timezone <tz>', 'time zone', 'Etc/UTC')
      .option('--locale <locale>', 'locale', 'en_US.UTF-8')
      .option('--keyboard <layout>', 'keyboard layout', 'us')
      .option('--force', 'overwrite an existing cluster file and its secrets'),
  ).action(async (flags: InitFlags) =>
    (await import('./init-action')).runInit(io, prompter, flags),
  );
}
