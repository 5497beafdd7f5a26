import type { NodeFile } from '../../model';
import { bootstrapLogTag, bootstrapUnitName } from '../bootstrap-unit';
import { octal, type PayloadContext } from '../context';
import { base64Lines, script, shQuote } from '../shell';
import { swapOffPath } from '../swap-off';
import { nmConnectionPath, nmKeyfile } from './nm-keyfile';

/** A file firstrun.sh writes on the root filesystem. */
export interface FirstrunFile extends NodeFile {
  /** `user:group`; a shell word, may reference $USER_NAME and $USER_GROUP. */
  owner?: string;
}

const imagerCustom = '/usr/lib/raspberrypi-sys-mods/imager_custom';
const delimiter = 'KUBEFLASH_B64';

/** `put` call: content as base64 in a quoted heredoc, so nothing in it is ever expanded. */
function put(path: string, file: { content: string; mode: number; owner?: string }): string[] {
  const target = path.startsWith('"') ? path : shQuote(path);
  return [
    `put ${target} ${octal(file.mode)} ${file.owner ?? 'root:root'} <<'${delimiter}'`,
    ...base64Lines(file.content),
    delimiter,
  ];
}

/**
 * firstrun.sh for Raspberry Pi OS Bookworm, in the manner of Raspberry Pi Imager's: started
 * once by `systemd.run=` before the system is up, configures the node with the OS's own tools
 * (imager_custom, userconf, raspi-config; plain fallbacks where they are missing), enables the
 * bootstrap unit for the next boot, then deletes itself (it carries the secrets) and its
 * cmdline.txt arguments; systemd reboots on success. POSIX sh, no -e: like Imager's, it does
 * as much as it can rather than leave a half-configured card that cannot boot.
 */
export function firstrunScript(ctx: PayloadContext, rootFiles: readonly FirstrunFile[]): string {
  const { user, hostKeys, network: net, system } = ctx;
  const lines: string[] = [
    '#!/bin/sh',
    '# Kubeflash first run (Raspberry Pi OS Bookworm). Holds secrets: removes itself when done.',
    'set +e',
    'umask 077',
    '',
    'BOOT_DIR=${0%/*}',
    `NEW_HOSTNAME=${shQuote(ctx.shortName)}`,
    `USER_NAME=${shQuote(user.name)}`,
    `PASSWORD_HASH=${shQuote(user.passwordHash ?? '')}`,
    '',
    `log() { logger -t ${bootstrapLogTag} -- "firstrun: $*" 2>/dev/null; echo "firstrun: $*"; }`,
    '',
    '# put PATH MODE OWNER: base64 on stdin to PATH, made private first, renamed into place.',
    'put() {',
    '  (umask 022 && mkdir -p "${1%/*}")',
    '  if base64 -d >"$1.kubeflash" && chmod "$2" "$1.kubeflash" && chown "$3" "$1.kubeflash"; then',
    '    mv -f "$1.kubeflash" "$1"',
    '  else',
    '    rm -f "$1.kubeflash"',
    '    log "could not write $1"',
    '  fi',
    '}',
    '',
    '# Remove this script and its systemd.run arguments: the next boot is a normal one.',
    'cleanup_boot() {',
    '  rm -f "$1/firstrun.sh"',
    "  sed -i -e 's| systemd\\.run=[^ ]*||g' -e 's| systemd\\.run_success_action=[^ ]*||g' \\",
    '    -e \'s| systemd\\.unit=kernel-command-line\\.target||g\' "$1/cmdline.txt"',
    '  sync',
    '}',
    '',
    'log "hostname"',
    "CURRENT_HOSTNAME=$(tr -d ' \\t\\n\\r' </etc/hostname)",
    `if [ -x ${imagerCustom} ]; then`,
    `  ${imagerCustom} set_hostname "$NEW_HOSTNAME"`,
    'else',
    '  echo "$NEW_HOSTNAME" >/etc/hostname',
    '  sed -i "s/^127\\.0\\.1\\.1.*$CURRENT_HOSTNAME/127.0.1.1\\t$NEW_HOSTNAME/" /etc/hosts',
    'fi',
    "grep -q '^127\\.0\\.1\\.1' /etc/hosts || printf '127.0.1.1\\t%s\\n' \"$NEW_HOSTNAME\" >>/etc/hosts",
    '',
    'log "user"',
    "# userconf renames the image's first user (uid 1000) and sets the hash, as Imager does.",
    'if [ -x /usr/lib/userconf-pi/userconf ]; then',
    '  /usr/lib/userconf-pi/userconf "$USER_NAME" "$PASSWORD_HASH"',
    'else',
    '  FIRSTUSER=$(getent passwd 1000 | cut -d: -f1)',
    '  if [ -z "$FIRSTUSER" ]; then',
    '    useradd -m -s /bin/bash "$USER_NAME"',
    '  elif [ "$FIRSTUSER" != "$USER_NAME" ]; then',
    '    usermod -l "$USER_NAME" "$FIRSTUSER"',
    '    usermod -m -d "/home/$USER_NAME" "$USER_NAME"',
    '    groupmod -n "$USER_NAME" "$FIRSTUSER"',
    '  fi',
    '  if [ -n "$PASSWORD_HASH" ]; then echo "$USER_NAME:$PASSWORD_HASH" | chpasswd -e; fi',
    'fi',
    '# No hash: password locked; key logins still work (sshd uses PAM on Debian).',
    'if [ -z "$PASSWORD_HASH" ]; then usermod -L "$USER_NAME"; fi',
    'usermod -aG sudo "$USER_NAME"',
    ...put('/etc/sudoers.d/010_kubeflash-nopasswd', {
      content: `${user.name} ALL=(ALL) NOPASSWD: ALL\n`,
      mode: 0o440,
    }),
    'USER_HOME=$(getent passwd "$USER_NAME" | cut -d: -f6)',
    'USER_GROUP=$(id -gn "$USER_NAME")',
    'install -d -m 0700 -o "$USER_NAME" -g "$USER_GROUP" "$USER_HOME/.ssh"',
    ...put('"$USER_HOME/.ssh/authorized_keys"', {
      content: `${user.authorizedKeys.join('\n')}\n`,
      mode: 0o600,
      owner: '"$USER_NAME:$USER_GROUP"',
    }),
    '',
    'log "ssh"',
    '# The pinned host keys; raspberrypi-sys-mods would replace them on the next boot.',
    ...put('/etc/ssh/ssh_host_ed25519_key', { content: hostKeys.ed25519.privateKey, mode: 0o600 }),
    ...put('/etc/ssh/ssh_host_ed25519_key.pub', {
      content: withNewline(hostKeys.ed25519.publicKey),
      mode: 0o644,
    }),
    ...put('/etc/ssh/ssh_host_rsa_key', { content: hostKeys.rsa.privateKey, mode: 0o600 }),
    ...put('/etc/ssh/ssh_host_rsa_key.pub', {
      content: withNewline(hostKeys.rsa.publicKey),
      mode: 0o644,
    }),
    'systemctl disable regenerate_ssh_host_keys.service 2>/dev/null',
    ...put('/etc/ssh/sshd_config.d/10-kubeflash.conf', {
      content: `PasswordAuthentication ${user.passwordAuthentication ? 'yes' : 'no'}\n`,
      mode: 0o644,
    }),
    'systemctl enable ssh.service',
    '',
    'log "network"',
    ...put(nmConnectionPath(net), { content: nmKeyfile(net, ctx.instanceId), mode: 0o600 }),
  ];
  if (net.wifi) {
    const country = shQuote(net.wifi.country);
    lines.push(
      'if command -v raspi-config >/dev/null 2>&1; then',
      `  raspi-config nonint do_wifi_country ${country}`,
      'else',
      `  iw reg set ${country} 2>/dev/null`,
      'fi',
      'rfkill unblock wifi 2>/dev/null',
      'for f in /var/lib/systemd/rfkill/*:wlan; do',
      '  if [ -e "$f" ]; then echo 0 >"$f"; fi',
      'done',
    );
  }
  const timezone = shQuote(system.timezone);
  const keymap = shQuote(system.keyboardLayout);
  lines.push(
    '',
    'log "timezone, keyboard, locale"',
    `if [ -x ${imagerCustom} ]; then`,
    `  ${imagerCustom} set_keymap ${keymap}`,
    `  ${imagerCustom} set_timezone ${timezone}`,
    'else',
    '  rm -f /etc/localtime',
    `  echo ${timezone} >/etc/timezone`,
    '  dpkg-reconfigure -f noninteractive tzdata',
    `  sed -i 's/^XKBLAYOUT=.*/XKBLAYOUT="${system.keyboardLayout}"/' /etc/default/keyboard`,
    '  dpkg-reconfigure -f noninteractive keyboard-configuration',
    'fi',
    'if command -v raspi-config >/dev/null 2>&1; then',
    `  raspi-config nonint do_change_locale ${shQuote(system.locale)}`,
    'fi',
    '',
    'log "node files"',
  );
  for (const file of rootFiles) lines.push(...put(file.path, file));
  lines.push(
    '',
    'log "swap off, bootstrap on the next boot"',
    swapOffPath,
    `systemctl enable ${bootstrapUnitName}`,
    '',
    'log "done; removing firstrun.sh"',
    'cleanup_boot "$BOOT_DIR"',
    'exit 0',
  );
  return script(lines);
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
