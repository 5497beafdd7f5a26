import { payloadError } from '../errors';
import type { NodeNetwork } from '../network';

/**
 * network-config v2 (netplan syntax) for Ubuntu and Raspberry Pi OS Trixie. The Wi-Fi key is the
 * 64-hex PSK, never the passphrase. `scrubbed` drops it: the copy left on the boot partition.
 */
export function networkConfigV2(net: NodeNetwork, { scrubbed = false } = {}): object {
  const a = net.addressing;
  const iface: Record<string, unknown> =
    a.kind === 'dhcp'
      ? { dhcp4: true }
      : {
          dhcp4: false,
          addresses: [`${a.address}/${a.prefix}`],
          // 0.0.0.0/0 rather than `default`: older netplan (Ubuntu 20.04) lacks the keyword.
          ...(a.gateway ? { routes: [{ to: '0.0.0.0/0', via: a.gateway }] } : {}),
          ...(net.dns.length > 0 ? { nameservers: { addresses: net.dns } } : {}),
        };
  if (!net.wifi) return { network: { version: 2, ethernets: { [net.interface]: iface } } };
  // netplan 0.106 (Trixie's, per pi-gen) copies the SSID into wpa_supplicant.conf unescaped.
  if (/["\\]/.test(net.wifi.ssid)) {
    throw payloadError(
      'Wi-Fi names with " or \\ cannot be configured through netplan (Ubuntu, Raspberry Pi OS Trixie): it writes them unescaped.',
      'network.wifi.ssid',
    );
  }
  const accessPoint: Record<string, unknown> = {};
  if (net.wifi.psk && !scrubbed) accessPoint.password = net.wifi.psk;
  if (net.wifi.hidden) accessPoint.hidden = true;
  return {
    network: {
      version: 2,
      wifis: {
        [net.interface]: {
          ...iface,
          'regulatory-domain': net.wifi.country,
          'access-points': { [net.wifi.ssid]: accessPoint },
        },
      },
    },
  };
}

/**
 * network-config v1 for HypriotOS's cloud-init 0.7.9 (the format of the image's own
 * boot/network-config), rendered to ifupdown there. v1 has no Wi-Fi credentials: for wlan0
 * the supplicant is configured from user-data (wpa_supplicant@wlan0).
 */
export function networkConfigV1(net: NodeNetwork): object {
  const a = net.addressing;
  const subnet =
    a.kind === 'dhcp'
      ? { type: 'dhcp' }
      : {
          type: 'static',
          // Address and dotted netmask: the oldest v1 form, read by every cloud-init.
          address: a.address,
          netmask: a.netmask,
          ...(a.gateway ? { gateway: a.gateway } : {}),
          ...(net.dns.length > 0 ? { dns_nameservers: net.dns } : {}),
        };
  const config: object[] = [{ type: 'physical', name: net.interface, subnets: [subnet] }];
  if (a.kind === 'static' && net.dns.length > 0) {
    config.push({ type: 'nameserver', address: net.dns });
  }
  return { version: 1, config };
}
