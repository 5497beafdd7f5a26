import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cgroupKernelArgs } from '../../../../main/provision/model';
import {
  bootstrapUnitName,
  firstrunKernelArgs,
  hashPassword,
  type PayloadInput,
  renderFirstrun,
  wifiPsk,
} from '../../../../main/provision/payload';
import { hasCommand, requirePrerequisites } from '../../../support/prerequisites';
import {
  combos,
  decode,
  dns,
  entryPoint,
  firstIp,
  gateway,
  input,
  type KeyMaterial,
  keyMaterial,
  nodeName,
  plainPassword,
  run,
  secretToken,
  secretTokenPath,
  shellcheck,
  ssid,
  tempDir,
  wifiPassphrase,
} from './fixtures';

interface Put {
  mode: string;
  owner: string;
  content: string;
}

let keys: KeyMaterial;
let dir: string;

beforeAll(async () => {
  keys = await keyMaterial([nodeName]);
  dir = tempDir('firstrun');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function render(
  iface: 'eth0' | 'wlan0',
  addressing: 'static' | 'dhcp',
  extra: Partial<PayloadInput> = {},
) {
  const payload = renderFirstrun(input(keys, 'raspios-bookworm', iface, addressing, extra));
  expect(payload.files.map((f) => f.path)).toEqual(['firstrun.sh']);
  return { payload, text: decode(payload.files[0]!.content) };
}

/** Every file the script writes, from its `put PATH MODE OWNER <<'KUBEFLASH_B64'` blocks. */
function puts(text: string): Map<string, Put> {
  const found = new Map<string, Put>();
  for (const m of text.matchAll(
    /^put (\S+) (\d{4}) (\S+) <<'KUBEFLASH_B64'\n([\s\S]*?)\nKUBEFLASH_B64$/gm,
  )) {
    const path = m[1]!.replace(/^'(.*)'$/, '$1');
    found.set(path, {
      mode: m[2]!,
      owner: m[3]!,
      content: Buffer.from(m[4]!.replace(/\n/g, ''), 'base64').toString('utf8'),
    });
  }
  return found;
}

/** A shell function of the script, as text, to run on its own. */
function shellFunction(text: string, name: string): string {
  const m = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(text);
  expect(m, `function ${name}`).not.toBeNull();
  return m![0];
}

describe.each(combos)('firstrun.sh, %s, %s', (iface, addressing) => {
  it('is POSIX sh that shellcheck passes', (ctx) => {
    requirePrerequisites(ctx, [[hasCommand('shellcheck'), 'shellcheck']]);
    const { text } = render(iface, addressing);
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(shellcheck(text)).toBe('');
    expect(run('dash', ['-n'], text).status).toBe(0);
    for (const file of puts(text).values()) {
      if (file.content.startsWith('#!/bin/sh')) expect(shellcheck(file.content)).toBe('');
    }
  });

  it('configures the node with the OS tools and writes every file with its mode', () => {
    const { text } = render(iface, addressing);
    const files = puts(text);
    const hostKeys = keys.secrets.ssh!.hostKeys[nodeName]!;

    expect(text).toContain(`NEW_HOSTNAME='${nodeName}'`);
    expect(text).toContain(
      '/usr/lib/raspberrypi-sys-mods/imager_custom set_hostname "$NEW_HOSTNAME"',
    );
    expect(text).toContain('/usr/lib/userconf-pi/userconf "$USER_NAME" "$PASSWORD_HASH"');
    expect(text).toContain("USER_NAME='kube'");
    expect(text).toContain("PASSWORD_HASH=''");
    expect(text).toContain('usermod -L "$USER_NAME"');

    expect(files.get('/etc/ssh/ssh_host_ed25519_key')).toEqual({
      mode: '0600',
      owner: 'root:root',
      content: hostKeys.ed25519.privateKey,
    });
    expect(files.get('/etc/ssh/ssh_host_rsa_key')).toEqual({
      mode: '0600',
      owner: 'root:root',
      content: hostKeys.rsa.privateKey,
    });
    expect(files.get('/etc/ssh/ssh_host_ed25519_key.pub')?.mode).toBe('0644');
    expect(files.get('/etc/ssh/ssh_host_rsa_key.pub')?.content.trim()).toBe(
      hostKeys.rsa.publicKey.trim(),
    );
    expect(text).toContain('systemctl disable regenerate_ssh_host_keys.service');
    expect(text).toContain('systemctl enable ssh.service');
    expect(files.get('/etc/ssh/sshd_config.d/10-kubeflash.conf')?.content).toBe(
      'PasswordAuthentication no\n',
    );

    const authorized = files.get('"$USER_HOME/.ssh/authorized_keys"')!;
    expect(authorized.mode).toBe('0600');
    expect(authorized.owner).toBe('"$USER_NAME:$USER_GROUP"');
    expect(authorized.content).toBe(
      `${keys.secrets.ssh!.user!.publicKey.trim()}\n${keys.planKey.trim()}\n`,
    );
    expect(text).toContain('install -d -m 0700 -o "$USER_NAME" -g "$USER_GROUP" "$USER_HOME/.ssh"');
    expect(files.get('/etc/sudoers.d/010_kubeflash-nopasswd')).toEqual({
      mode: '0440',
      owner: 'root:root',
      content: 'kube ALL=(ALL) NOPASSWD: ALL\n',
    });

    const nm = files.get(`/etc/NetworkManager/system-connections/kubeflash-${iface}.nmconnection`)!;
    expect(nm.mode).toBe('0600');
    expect(nm.content).toContain(`interface-name=${iface}`);
    if (addressing === 'static') {
      expect(nm.content).toContain('method=manual');
      expect(nm.content).toContain(`address1=${firstIp}/24`);
      expect(nm.content).toContain(`gateway=${gateway}`);
      expect(nm.content).toContain(`dns=${dns.join(';')};`);
    } else {
      expect(nm.content).toMatch(/\[ipv4\]\nmethod=auto\n/);
    }
    if (iface === 'wlan0') {
      expect(nm.content).toContain('type=wifi');
      expect(nm.content).toContain(`ssid=${ssid}\nhidden=true`);
      expect(nm.content).toContain(
        `[wifi-security]\nkey-mgmt=wpa-psk\npsk=${wifiPsk(wifiPassphrase, ssid)}\n`,
      );
      expect(text).toContain("raspi-config nonint do_wifi_country 'DE'");
      expect(text).toContain('rfkill unblock wifi');
    } else {
      expect(nm.content).toContain('type=ethernet');
      expect(text).not.toContain('do_wifi_country');
    }

    expect(text).toContain("imager_custom set_timezone 'Europe/Berlin'");
    expect(text).toContain("imager_custom set_keymap 'us'");
    expect(text).toContain("raspi-config nonint do_change_locale 'en_US.UTF-8'");

    for (const file of input(keys, 'raspios-bookworm', iface, addressing).bundle.files) {
      expect(files.get(file.path)).toEqual({
        mode: `0${file.mode.toString(8)}`,
        owner: 'root:root',
        content: file.content,
      });
    }
    expect(files.get(`/etc/systemd/system/${bootstrapUnitName}`)?.content).toContain(
      `ExecStart=${entryPoint}`,
    );
    expect(files.get('/usr/local/sbin/kubeflash-swap-off')?.content).toContain('dphys-swapfile');
    expect(text).toMatch(
      /\n\/usr\/local\/sbin\/kubeflash-swap-off\nsystemctl enable kubeflash-bootstrap\.service\n/,
    );
    expect(text.endsWith('cleanup_boot "$BOOT_DIR"\nexit 0\n')).toBe(true);
  });

  it('starts from cmdline.txt with the cgroup arguments', () => {
    const { payload } = render(iface, addressing);
    expect(payload.edits).toEqual([
      {
        path: 'cmdline.txt',
        ensure: [
          ...cgroupKernelArgs,
          ...(iface === 'wlan0' ? ['cfg80211.ieee80211_regdom=DE'] : []),
          'systemd.run=/boot/firmware/firstrun.sh',
          'systemd.run_success_action=reboot',
          'systemd.unit=kernel-command-line.target',
        ],
        remove: [],
      },
    ]);
  });
});

describe('firstrun.sh behaviour', () => {
  it('removes itself and only its own cmdline.txt arguments', () => {
    const { text, payload } = render('eth0', 'static');
    const boot = join(dir, 'boot');
    rmSync(boot, { recursive: true, force: true });
    run('mkdir', ['-p', boot]);
    const original =
      'console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 fsck.repair=yes rootwait quiet';
    // As editCmdline would leave it: one line, the ensured arguments appended.
    writeFileSync(join(boot, 'cmdline.txt'), `${original} ${payload.edits[0]!.ensure.join(' ')}\n`);
    writeFileSync(join(boot, 'firstrun.sh'), text);
    const result = run('sh', [
      '-c',
      `${shellFunction(text, 'cleanup_boot')}\ncleanup_boot "$1"`,
      'sh',
      boot,
    ]);
    expect(result.status).toBe(0);
    expect(existsSync(join(boot, 'firstrun.sh'))).toBe(false);
    expect(readFileSync(join(boot, 'cmdline.txt'), 'utf8')).toBe(
      `${original} ${cgroupKernelArgs.join(' ')}\n`,
    );
    for (const arg of firstrunKernelArgs)
      expect(readFileSync(join(boot, 'cmdline.txt'), 'utf8')).not.toContain(arg);
  });

  it('writes files private first, then with their mode', () => {
    const { text } = render('eth0', 'dhcp');
    const target = join(dir, 'put', 'deep', 'secret');
    rmSync(join(dir, 'put'), { recursive: true, force: true });
    const content = Buffer.from('s3cret\n').toString('base64');
    const owner = `${process.getuid!()}:${process.getgid!()}`;
    const script = `umask 077\nlog() { echo "$*"; }\n${shellFunction(text, 'put')}\nput "$1" 0640 "$2" <<'EOF'\n${content}\nEOF\n`;
    const result = run('sh', ['-c', script, 'sh', target, owner]);
    expect(result.stdout).toBe('');
    expect(readFileSync(target, 'utf8')).toBe('s3cret\n');
    expect(statSync(target).mode & 0o7777).toBe(0o640);
    expect(statSync(join(dir, 'put', 'deep')).mode & 0o777).toBe(0o755);
    expect(existsSync(`${target}.kubeflash`)).toBe(false);
  });

  it('uses the stored password hash and never a plain password or passphrase', () => {
    const passwordHash = hashPassword(plainPassword);
    const { text } = render('wlan0', 'dhcp', { secrets: { ...keys.secrets, passwordHash } });
    expect(text).toContain(`PASSWORD_HASH='${passwordHash}'`);
    const everything = [text, ...[...puts(text).values()].map((f) => f.content)].join('\n');
    expect(everything).not.toContain(plainPassword);
    expect(everything).not.toContain(wifiPassphrase);
    expect(puts(text).get(secretTokenPath)?.content).toBe(`${secretToken}\n`);
  });

  it('writes an SSID a key file would misread as a byte list', () => {
    const base = input(keys, 'raspios-bookworm', 'wlan0', 'dhcp');
    base.cluster.spec.network.wifi = { ssid: 'café; #1', country: 'fr', hidden: false };
    const nm = puts(decode(renderFirstrun(base).files[0]!.content)).get(
      '/etc/NetworkManager/system-connections/kubeflash-wlan0.nmconnection',
    )!;
    expect(nm.content).toContain(
      `ssid=${Array.from(Buffer.from('café; #1')).join(';')};\nhidden=false`,
    );
  });
});
