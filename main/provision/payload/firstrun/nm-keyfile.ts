import { createHash } from 'node:crypto';

import type { NodeNetwork } from '../network';

/** Bookworm's network stack: NetworkManager reads /etc/NetworkManager/system-connections. */
export function nmConnectionPath(net: NodeNetwork): string {
  return `/etc/NetworkManager/system-connections/kubeflash-${net.interface}.nmconnection`;
}

/**
 * A NetworkManager keyfile (nm-settings-keyfile(5)) for the node's interface: static or DHCP
 * IPv4, Wi-Fi with the 64-hex PSK. NetworkManager ignores it unless it is root-only (0600).
 * A high autoconnect priority wins over the stock "Wired connection 1" profile.
 */
export function nmKeyfile(net: NodeNetwork, instanceId: string): string {
  const a = net.addressing;
  const ipv4 =
    a.kind === 'dhcp'
      ? ['method=auto']
      : [
          'method=manual',
          `address1=${a.address}/${a.prefix}`,
          ...(a.gateway ? [`gateway=${a.gateway}`] : []),
          ...(net.dns.length > 0 ? [`dns=${net.dns.join(';')};`] : []),
        ];
  const lines = [
    '[connection]',
    `id=kubeflash-${net.interface}`,
    `uuid=${stableUuid(`${instanceId}/${net.interface}`)}`,
    `type=${net.wifi ? 'wifi' : 'ethernet'}`,
    `interface-name=${net.interface}`,
    'autoconnect=true',
    'autoconnect-priority=100',
    '',
  ];
  if (net.wifi) {
    lines.push(
      '[wifi]',
      'mode=infrastructure',
      `ssid=${keyfileSsid(net.wifi.ssid)}`,
      `hidden=${net.wifi.hidden}`,
      '',
    );
    if (net.wifi.psk) lines.push('[wifi-security]', 'key-mgmt=wpa-psk', `psk=${net.wifi.psk}`, '');
  } else {
    lines.push('[ethernet]', '');
  }
  lines.push('[ipv4]', ...ipv4, '', '[ipv6]', 'addr-gen-mode=default', 'method=auto', '');
  return lines.join('\n');
}

/** Plain text when unambiguous in a GLib key file, else the byte list form (`77;121;`). */
function keyfileSsid(ssid: string): string {
  if (/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(ssid) && !/[;\\#]/.test(ssid)) return ssid;
  return `${Array.from(Buffer.from(ssid, 'utf8')).join(';')};`;
}

/** Same card, same connection UUID: derived, version-4 shaped. */
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
