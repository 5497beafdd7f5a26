import type { WifiSettings } from './network';

/**
 * wpa_supplicant.conf for one network (Alpine, HypriotOS). The SSID is quoted when that is
 * unambiguous, else written as hex, which wpa_supplicant also accepts; the key is the 64-hex PSK.
 */
export function wpaSupplicantConf(wifi: WifiSettings): string {
  return [
    // No GROUP=: Alpine has no netdev group, and an unknown group stops wpa_supplicant.
    'ctrl_interface=/var/run/wpa_supplicant',
    `country=${wifi.country}`,
    'update_config=0',
    '',
    'network={',
    `\tssid=${wpaSsid(wifi.ssid)}`,
    ...(wifi.hidden ? ['\tscan_ssid=1'] : []),
    ...(wifi.psk ? ['\tkey_mgmt=WPA-PSK', `\tpsk=${wifi.psk}`] : ['\tkey_mgmt=NONE']),
    '}',
    '',
  ].join('\n');
}

function wpaSsid(ssid: string): string {
  return /^[\x20-\x7e]+$/.test(ssid) && !/["\\]/.test(ssid)
    ? `"${ssid}"`
    : Buffer.from(ssid, 'utf8').toString('hex');
}
