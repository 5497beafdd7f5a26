import { pbkdf2Sync } from 'node:crypto';

import { payloadError } from './errors';

/**
 * The WPA-PSK key as `wpa_passphrase` prints it (IEEE 802.11i: PBKDF2-HMAC-SHA1, the SSID as
 * salt, 4096 iterations, 256 bits). Cards carry this instead of the passphrase; every supplicant
 * we write for (wpa_supplicant, NetworkManager, netplan) takes 64 hex digits as the key itself.
 */
export function wifiPsk(passphrase: string, ssid: string): string {
  if (!/^[\x20-\x7e]{8,63}$/.test(passphrase)) {
    throw payloadError(
      'A Wi-Fi passphrase is 8 to 63 printable ASCII characters.',
      'wifiPassphrase',
    );
  }
  const ssidBytes = Buffer.from(ssid, 'utf8');
  if (ssidBytes.length < 1 || ssidBytes.length > 32) {
    throw payloadError('A Wi-Fi network name (SSID) is 1 to 32 bytes.', 'wifi.ssid');
  }
  return pbkdf2Sync(Buffer.from(passphrase, 'utf8'), ssidBytes, 4096, 32, 'sha1').toString('hex');
}
