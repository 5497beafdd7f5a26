import { checkNoCollision, type PayloadContext } from '../context';
import { wpaSupplicantConf } from '../wpa-supplicant';
import { localScript, localScriptPath } from './local-script';
import { hosts, interfaces, runlevels, world } from './system-files';
import type { TarEntry } from './tar-gz';

/** The name the initramfs finds on the boot media (`*.apkovl.tar.gz`), as lbu names it. */
export function overlayName(ctx: PayloadContext): string {
  return `${ctx.shortName}.apkovl.tar.gz`;
}

/**
 * Every entry of the node's overlay: directories first (with their modes), root-owned. SSH
 * keys go to root (the only account an overlay can rely on); local.d copies them to the plan's
 * user, which it creates. Bundle files keep their modes; secret ones are dropped from the copy
 * left on the media after first boot.
 */
export function overlayEntries(ctx: PayloadContext): TarEntry[] {
  const { network: net, user, hostKeys, system } = ctx;
  const files: { name: string; mode: number; content: string; secret?: boolean }[] = [
    { name: 'etc/hostname', mode: 0o644, content: `${ctx.shortName}\n` },
    { name: 'etc/hosts', mode: 0o644, content: hosts(ctx) },
    { name: 'etc/network/interfaces', mode: 0o644, content: interfaces(ctx) },
    { name: 'etc/timezone', mode: 0o644, content: `${system.timezone}\n` },
    { name: 'etc/apk/world', mode: 0o644, content: `${world(net).join('\n')}\n` },
    { name: 'etc/ssh/ssh_host_ed25519_key', mode: 0o600, content: hostKeys.ed25519.privateKey },
    {
      name: 'etc/ssh/ssh_host_ed25519_key.pub',
      mode: 0o644,
      content: line(hostKeys.ed25519.publicKey),
    },
    { name: 'etc/ssh/ssh_host_rsa_key', mode: 0o600, content: hostKeys.rsa.privateKey },
    { name: 'etc/ssh/ssh_host_rsa_key.pub', mode: 0o644, content: line(hostKeys.rsa.publicKey) },
    {
      name: 'etc/ssh/sshd_config.d/10-kubeflash.conf',
      mode: 0o644,
      content: [
        'HostKey /etc/ssh/ssh_host_ed25519_key',
        'HostKey /etc/ssh/ssh_host_rsa_key',
        `PasswordAuthentication ${user.passwordAuthentication ? 'yes' : 'no'}`,
        '',
      ].join('\n'),
    },
    // Alpine's sshd service would otherwise add keys of other types at each (diskless) boot.
    { name: 'etc/conf.d/sshd', mode: 0o644, content: 'sshd_disable_keygen="yes"\n' },
    {
      name: 'root/.ssh/authorized_keys',
      mode: 0o600,
      content: `${user.authorizedKeys.join('\n')}\n`,
    },
    {
      name: 'etc/doas.d/kubeflash.conf',
      mode: 0o400,
      content: `permit nopass ${user.name} as root\n`,
    },
  ];
  if (net.addressing.kind === 'static' && net.dns.length > 0) {
    files.push({
      name: 'etc/resolv.conf',
      mode: 0o644,
      content: net.dns.map((server) => `nameserver ${server}\n`).join(''),
    });
  }
  if (net.wifi) {
    files.push({
      name: 'etc/wpa_supplicant/wpa_supplicant.conf',
      mode: 0o600,
      content: wpaSupplicantConf(net.wifi),
    });
  }
  checkNoCollision(
    ctx.bundle,
    [...files.map((file) => file.name), localScriptPath, 'etc/localtime'].map((name) => `/${name}`),
  );
  for (const file of ctx.bundle.files) {
    files.push({
      name: file.path.slice(1),
      mode: file.mode,
      content: file.content,
      secret: file.secret,
    });
  }
  const topLevel = [
    ...new Set([...files.map((f) => f.name), localScriptPath].map((n) => n.split('/')[0]!)),
  ].sort();
  files.push({
    name: localScriptPath,
    mode: 0o755,
    content: localScript({
      ctx,
      overlayName: overlayName(ctx),
      secretPaths: files.filter((file) => file.secret).map((file) => file.name),
      topLevel,
    }),
  });

  const links: TarEntry[] = [
    { type: 'symlink', name: 'etc/localtime', target: `/usr/share/zoneinfo/${system.timezone}` },
  ];
  for (const [level, services] of Object.entries(runlevels(net))) {
    for (const service of services) {
      links.push({
        type: 'symlink',
        name: `etc/runlevels/${level}/${service}`,
        target: `/etc/init.d/${service}`,
      });
    }
  }

  const dirs = new Set<string>();
  for (const name of [...files.map((f) => f.name), ...links.map((l) => l.name)]) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const dirEntries: TarEntry[] = [...dirs].sort().map((name) => ({
    type: 'directory',
    name,
    // root's home and its .ssh are private, as sshd's StrictModes wants them.
    mode: name === 'root' || name === 'root/.ssh' ? 0o700 : 0o755,
  }));
  return [
    ...dirEntries,
    ...files.map((file): TarEntry => ({
      type: 'file',
      name: file.name,
      mode: file.mode,
      content: file.content,
    })),
    ...links,
  ];
}

function line(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
