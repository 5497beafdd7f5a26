import { resolve } from 'node:path';

import { type Command, InvalidArgumentError, Option } from 'commander';

import { distributionNames, type NewClusterOptions } from '../../../common/cluster';
import { ClusterWorkspace, projectPaths } from '../../cluster';
import { PKI_VALIDITY } from '../../pki';
import { withPassphraseOptions } from '../cluster-option';
import type { CliIo } from '../io';
import { readPassphrase } from '../passphrase';
import { type Prompter, terminalPrompter } from '../prompt';
import { readAuthorizedKeyFiles, readSecretFile } from '../read-files';

interface InitFlags {
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
const list = (value: string, previous: string[] = []) => [
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
  ).action(async (flags: InitFlags) => {
    const path = resolve(flags.file);
    const ask = async (value: string | undefined, question: string, fallback?: string) =>
      value ?? (prompter ? await prompter.ask(question, fallback) : fallback);
    const name = await ask(flags.name, 'Cluster name', 'rpi-kube');
    const subnet = await ask(flags.subnet, 'Subnet of the nodes (CIDR)', '192.168.1.0/24');
    const staticIps = !flags.dhcp;
    const gateway = staticIps ? await ask(flags.gateway, 'Gateway') : flags.gateway;
    const dns =
      flags.dns ??
      (staticIps && prompter
        ? list(await prompter.ask('DNS servers (comma-separated)', gateway))
        : []);
    const firstIp = staticIps
      ? await ask(flags.firstIp, 'Address of the first control-plane node')
      : flags.firstIp;
    const vip =
      flags.controlPlanes > 1 ? await ask(flags.vip, 'Virtual IP of the control plane') : flags.vip;
    const wifiPassphrase = flags.wifi
      ? flags.wifiPassphraseFile
        ? await readSecretFile(flags.wifiPassphraseFile)
        : await prompter?.askSecret('Wi-Fi passphrase')
      : undefined;
    const options: NewClusterOptions = {
      name: name ?? '',
      distribution: flags.distribution,
      version: flags.k8sVersion,
      controlPlanes: flags.controlPlanes,
      workers: flags.workers,
      hostnamePrefix: flags.hostnamePrefix,
      virtualIP: vip,
      interface: flags.wifi ? 'wlan0' : 'eth0',
      addressing: staticIps ? 'static' : 'dhcp',
      subnet: subnet ?? '',
      gateway,
      dns,
      firstIp,
      wifi: flags.wifi
        ? {
            ssid: (await ask(flags.wifiSsid, 'Wi-Fi SSID')) ?? '',
            country: (await ask(flags.wifiCountry, 'Wi-Fi country code')) ?? '',
            hidden: Boolean(flags.wifiHidden),
          }
        : undefined,
      sshUser: flags.sshUser,
      authorizedKeys: await readAuthorizedKeyFiles(flags.sshKey),
      timezone: flags.timezone,
      locale: flags.locale,
      keyboardLayout: flags.keyboard,
    };
    const paths = projectPaths(path);
    const passphrase = await readPassphrase(
      { passphraseFile: flags.passphraseFile, prompter, confirm: true },
      paths.secrets,
    );
    const view = await new ClusterWorkspace().create(path, options, passphrase, {
      overwrite: flags.force,
      wifiPassphrase,
    });
    io.out(`Created ${paths.cluster} (the plan: safe to commit)`);
    io.out(`        ${paths.secrets} (encrypted secrets: keep it, never commit it)`);
    io.out(`        ${paths.state} (flash results)`);
    io.out(
      `Certificates: CAs valid ${PKI_VALIDITY.certificateAuthorityDays} days, the admin certificate ${PKI_VALIDITY.adminClientCertificateDays} days, from ${view.secrets.certificates[0]?.notBefore ?? '?'}`,
    );
    io.out(
      `The app's SSH key: ${view.secrets.userKeyFingerprint} (export it with: kubeflash ssh-key --cluster ${flags.file})`,
    );
    for (const issue of view.issues) io.out(`warning ${issue.path}: ${issue.message}`);
    io.out(
      `${view.cluster.spec.nodes.length} nodes planned. Next: kubeflash kubeconfig --merge, then flash the cards.`,
    );
  });
}
