import type { NodeFile } from '../../model';
import { bootstrapUnitName } from '../bootstrap-unit';
import { octal, type PayloadContext } from '../context';
import { swapOffPath } from '../swap-off';
import type { CloudInitFamily } from './families';
import { scrubScriptPath } from './scrub-script';

/** cloud-config `write_files` entry: base64 so any bytes survive YAML. */
function writeFile(file: NodeFile): object {
  return {
    path: file.path,
    content: Buffer.from(file.content, 'utf8').toString('base64'),
    encoding: 'b64',
    permissions: octal(file.mode),
    // root: write_files runs before users-groups, so no other owner exists yet.
    owner: 'root:root',
  };
}

/**
 * Pinned host keys survive first boot on Raspberry Pi OS: its regenerate_ssh_host_keys.service
 * deletes all keys once, after sysinit.target. bootcmd runs in cloud-init's network stage,
 * ordered before sysinit.target, so its start job is still queued and `stop` cancels it;
 * `disable` keeps it from running on a later boot.
 */
const keepPinnedHostKeys = [
  'sh',
  '-c',
  'systemctl disable regenerate_ssh_host_keys.service 2>/dev/null; systemctl --no-block stop regenerate_ssh_host_keys.service 2>/dev/null; true',
];

/** HypriotOS: v1 cannot carry Wi-Fi credentials; wpa_supplicant@wlan0 reads the written conf. */
const startWifiSupplicant = [
  'sh',
  '-c',
  'rfkill unblock wifi 2>/dev/null; systemctl enable wpa_supplicant@wlan0.service; systemctl restart wpa_supplicant@wlan0.service; ifdown wlan0 2>/dev/null; ifup wlan0; true',
];

export interface UserDataOptions {
  /** The copy left on the boot partition: no private keys, no password hash, no secret files. */
  scrubbed: boolean;
  /** HypriotOS with wlan0: start the supplicant from runcmd. */
  wifiSupplicant: boolean;
}

/**
 * The #cloud-config document (as an object; the caller serialises it). `files` are placed with
 * write_files; the runcmd turns swap off, starts the bootstrap unit (it resumes on later boots
 * until the bootstrap is done) and last scrubs the boot partition.
 */
export function userData(
  ctx: PayloadContext,
  family: CloudInitFamily,
  files: readonly NodeFile[],
  { scrubbed, wifiSupplicant }: UserDataOptions,
): Record<string, unknown> {
  const { user, hostKeys } = ctx;
  const password =
    user.passwordHash && !scrubbed
      ? { lock_passwd: false, passwd: user.passwordHash }
      : { lock_passwd: !user.passwordHash };
  const doc: Record<string, unknown> = {
    hostname: ctx.shortName,
    ...(ctx.fqdn ? { fqdn: ctx.fqdn } : {}),
    preserve_hostname: false,
    manage_etc_hosts: true,
    users: [
      {
        name: user.name,
        groups: family.groups.join(','),
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        ...password,
        ssh_authorized_keys: user.authorizedKeys,
      },
    ],
    ssh_pwauth: user.passwordAuthentication,
    disable_root: true,
  };
  if (scrubbed) {
    // Never delete keys from a copy that no longer carries them.
    doc.ssh_deletekeys = false;
  } else {
    // Delete whatever keys the image shipped, then write the pinned ones (cc_ssh writes
    // ssh_keys after deleting and generates nothing when they are given).
    doc.ssh_deletekeys = true;
    doc.ssh_keys = {
      ed25519_private: hostKeys.ed25519.privateKey,
      ed25519_public: hostKeys.ed25519.publicKey.trim(),
      rsa_private: hostKeys.rsa.privateKey,
      rsa_public: hostKeys.rsa.publicKey.trim(),
    };
  }
  doc.timezone = ctx.system.timezone;
  doc.locale = ctx.system.locale;
  if (family.modern) {
    doc.keyboard = { layout: ctx.system.keyboardLayout };
    doc.ntp = { enabled: true };
  }
  if (family.regeneratesHostKeys) doc.bootcmd = [keepPinnedHostKeys];
  doc.write_files = files.map(writeFile);
  doc.runcmd = [
    [swapOffPath],
    ...(wifiSupplicant ? [startWifiSupplicant] : []),
    ['systemctl', 'daemon-reload'],
    ['systemctl', 'enable', '--now', '--no-block', bootstrapUnitName],
    [scrubScriptPath],
  ];
  return doc;
}
