import type { PayloadContext } from '../context';
import type { NodeNetwork } from '../network';

// The Alpine system files an overlay must carry itself: the initramfs adds nothing when it
// finds one.

/**
 * Services per runlevel as a stock Alpine diskless system has them (aports genapkovl scripts,
 * setup-alpine): the initramfs only adds defaults when no overlay is found, so ours lists them.
 * swclock, not hwclock: a Pi has no RTC. networking in `boot`, as setup-alpine puts it.
 */
export function runlevels(net: NodeNetwork): Record<string, string[]> {
  return {
    sysinit: ['devfs', 'dmesg', 'mdev', 'hwdrivers', 'modloop'],
    boot: [
      'swclock',
      'modules',
      'sysctl',
      'hostname',
      'bootmisc',
      'syslog',
      'cgroups',
      ...(net.wifi ? ['wpa_supplicant'] : []),
      'networking',
    ],
    default: ['sshd', 'chronyd', 'local'],
    shutdown: ['mount-ro', 'killprocs', 'savecache'],
  };
}

/**
 * etc/apk/world. The initramfs installs it with `--no-network` from the boot media's own apks,
 * so only packages the Raspberry Pi image carries may be named (aports mkimg.base.sh: chrony,
 * doas, openssh, tzdata, network-extras → wpa_supplicant). The bootstrap adds the rest online.
 */
export function world(net: NodeNetwork): string[] {
  return [
    'alpine-base',
    'chrony',
    'doas',
    'openssh',
    'tzdata',
    ...(net.wifi ? ['wpa_supplicant'] : []),
  ];
}

export function interfaces(ctx: PayloadContext): string {
  const { network: net } = ctx;
  const a = net.addressing;
  const lines = ['auto lo', 'iface lo inet loopback', '', `auto ${net.interface}`];
  if (a.kind === 'dhcp') {
    lines.push(`iface ${net.interface} inet dhcp`, `\thostname ${ctx.shortName}`);
  } else {
    lines.push(
      `iface ${net.interface} inet static`,
      `\taddress ${a.address}`,
      `\tnetmask ${a.netmask}`,
      ...(a.gateway ? [`\tgateway ${a.gateway}`] : []),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function hosts(ctx: PayloadContext): string {
  const a = ctx.network.addressing;
  const names = ctx.fqdn ? `${ctx.fqdn} ${ctx.shortName}` : ctx.shortName;
  return [
    '127.0.0.1\tlocalhost localhost.localdomain',
    '::1\t\tlocalhost localhost.localdomain',
    `${a.kind === 'static' ? a.address : '127.0.1.1'}\t${names}`,
    '',
  ].join('\n');
}
