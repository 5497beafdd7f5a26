import { resolve } from 'node:path';

import type { NewClusterOptions } from '../../../common/cluster';
import { ClusterWorkspace, projectPaths } from '../../cluster';
import { PKI_VALIDITY } from '../../pki';
import type { CliIo } from '../io';
import { readPassphrase } from '../passphrase';
import type { Prompter } from '../prompt';
import { readAuthorizedKeyFiles, readSecretFile } from '../read-files';
import { type InitFlags, list } from './init';

export async function runInit(io: CliIo, prompter: Prompter | null, flags: InitFlags) {
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
}
