import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { cgroupKernelArgs } from '../../../../main/provision/model';
import {
  hashPassword,
  isApkovlName,
  type PayloadInput,
  renderApkovl,
  renderPayload,
  wifiPsk,
} from '../../../../main/provision/payload';
import { hasCommand, requirePrerequisites } from '../../../support/prerequisites';
import {
  combos,
  decode,
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
  tempDir,
  wifiPassphrase,
} from './fixtures';

interface Listed {
  perms: string;
  owner: string;
  target?: string;
}

let keys: KeyMaterial;
let dir: string;
let counter = 0;

beforeAll(async () => {
  keys = await keyMaterial([nodeName]);
  dir = tempDir('apkovl');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scratch(name: string): string {
  const path = join(dir, `${counter++}-${name}`);
  mkdirSync(path, { recursive: true });
  return path;
}

async function render(
  iface: 'eth0' | 'wlan0',
  addressing: 'static' | 'dhcp',
  extra: Partial<PayloadInput> = {},
) {
  const payload = await renderApkovl(input(keys, 'alpine', iface, addressing, extra));
  expect(payload.files).toHaveLength(1);
  const file = payload.files[0]!;
  const path = join(scratch('media'), file.path);
  writeFileSync(path, file.content);
  return { payload, file, path };
}

/** `tar -tvzf`, as a map of name → permissions, owner and link target. */
function listing(archive: string): Map<string, Listed> {
  const out = run('tar', ['-tvzf', archive]);
  expect(out.status, out.stderr).toBe(0);
  const entries = new Map<string, Listed>();
  for (const line of out.stdout.trim().split('\n')) {
    const m = /^(\S{10}) (\S+)\s+\d+ \S+ \S+ (.+?)(?: -> (.+))?$/.exec(line);
    expect(m, line).not.toBeNull();
    entries.set(m![3]!, { perms: m![1]!, owner: m![2]!, ...(m![4] ? { target: m![4] } : {}) });
  }
  return entries;
}

function extract(archive: string): string {
  const root = scratch('root');
  expect(run('tar', ['-xzf', archive, '-C', root]).status).toBe(0);
  return root;
}

function shellFunction(text: string, name: string): string {
  const m = new RegExp(`^${name}\\(\\) \\{\\n[\\s\\S]*?\\n\\}$`, 'm').exec(text);
  expect(m, `function ${name}`).not.toBeNull();
  return m![0];
}

describe.each(combos)('apkovl, %s, %s', (iface, addressing) => {
  it('is a gzip tar named after the node, with the expected entries, modes and owners', async (ctx) => {
    requirePrerequisites(ctx, [[hasCommand('tar'), 'tar']]);
    const { file, path } = await render(iface, addressing);
    expect(file.path).toBe(`${nodeName}.apkovl.tar.gz`);
    expect(isApkovlName(file.path)).toBe(true);
    expect([file.content[0], file.content[1]]).toEqual([0x1f, 0x8b]);

    const entries = listing(path);
    for (const [name, { owner }] of entries) {
      expect(owner, name).toBe('root/root');
      expect(name.startsWith('./') || name.startsWith('/')).toBe(false);
    }
    const expected: Record<string, string> = {
      'etc/': 'drwxr-xr-x',
      'etc/hostname': '-rw-r--r--',
      'etc/hosts': '-rw-r--r--',
      'etc/network/interfaces': '-rw-r--r--',
      'etc/apk/world': '-rw-r--r--',
      'etc/timezone': '-rw-r--r--',
      'etc/ssh/ssh_host_ed25519_key': '-rw-------',
      'etc/ssh/ssh_host_ed25519_key.pub': '-rw-r--r--',
      'etc/ssh/ssh_host_rsa_key': '-rw-------',
      'etc/ssh/ssh_host_rsa_key.pub': '-rw-r--r--',
      'root/': 'drwx------',
      'root/.ssh/': 'drwx------',
      'root/.ssh/authorized_keys': '-rw-------',
      'etc/local.d/kubeflash.start': '-rwxr-xr-x',
      'etc/doas.d/kubeflash.conf': '-r--------',
      'var/lib/kubeflash/bootstrap.sh': '-rwxr-xr-x',
      'etc/kubeflash/node.json': '-rw-r--r--',
      [secretTokenPath.slice(1)]: '-rw-------',
    };
    for (const [name, perms] of Object.entries(expected))
      expect(entries.get(name)?.perms, name).toBe(perms);
    const wpa = entries.get('etc/wpa_supplicant/wpa_supplicant.conf');
    if (iface === 'wlan0') expect(wpa?.perms).toBe('-rw-------');
    else expect(wpa).toBeUndefined();
    expect(entries.has('etc/resolv.conf')).toBe(addressing === 'static');

    expect(entries.get('etc/localtime')).toMatchObject({
      perms: 'lrwxrwxrwx',
      target: '/usr/share/zoneinfo/Europe/Berlin',
    });
    const runlevel = (level: string, service: string) =>
      entries.get(`etc/runlevels/${level}/${service}`)?.target;
    for (const service of ['sshd', 'chronyd', 'local'])
      expect(runlevel('default', service)).toBe(`/etc/init.d/${service}`);
    for (const service of ['devfs', 'dmesg', 'mdev', 'hwdrivers', 'modloop'])
      expect(runlevel('sysinit', service)).toBe(`/etc/init.d/${service}`);
    for (const service of [
      'swclock',
      'modules',
      'sysctl',
      'hostname',
      'bootmisc',
      'syslog',
      'networking',
    ])
      expect(runlevel('boot', service)).toBe(`/etc/init.d/${service}`);
    for (const service of ['mount-ro', 'killprocs', 'savecache'])
      expect(runlevel('shutdown', service)).toBe(`/etc/init.d/${service}`);
    expect(runlevel('boot', 'wpa_supplicant') !== undefined).toBe(iface === 'wlan0');
  });

  it("holds the node's configuration", async () => {
    const { path } = await render(iface, addressing);
    const root = extract(path);
    const read = (name: string) => readFileSync(join(root, name), 'utf8');
    const hostKeys = keys.secrets.ssh!.hostKeys[nodeName]!;
    expect(read('etc/hostname')).toBe(`${nodeName}\n`);
    expect(read('etc/ssh/ssh_host_ed25519_key')).toBe(hostKeys.ed25519.privateKey);
    expect(read('etc/ssh/ssh_host_rsa_key.pub').trim()).toBe(hostKeys.rsa.publicKey.trim());
    expect(read('root/.ssh/authorized_keys')).toBe(
      `${keys.secrets.ssh!.user!.publicKey.trim()}\n${keys.planKey.trim()}\n`,
    );
    expect(read('etc/ssh/sshd_config.d/10-kubeflash.conf')).toContain('PasswordAuthentication no');
    expect(read('etc/conf.d/sshd')).toBe('sshd_disable_keygen="yes"\n');
    expect(read('etc/doas.d/kubeflash.conf')).toBe('permit nopass kube as root\n');
    expect(read('etc/timezone')).toBe('Europe/Berlin\n');
    expect(read(secretTokenPath.slice(1))).toBe(`${secretToken}\n`);

    const world = read('etc/apk/world').trim().split('\n');
    expect(world).toEqual(
      expect.arrayContaining(['alpine-base', 'openssh', 'chrony', 'tzdata', 'doas']),
    );
    expect(world.includes('wpa_supplicant')).toBe(iface === 'wlan0');

    const interfaces = read('etc/network/interfaces');
    expect(interfaces).toContain('auto lo\niface lo inet loopback');
    if (addressing === 'static') {
      expect(interfaces).toContain(
        `iface ${iface} inet static\n\taddress ${firstIp}\n\tnetmask 255.255.255.0\n\tgateway ${gateway}\n`,
      );
      expect(read('etc/resolv.conf')).toBe('nameserver 192.168.1.1\nnameserver 9.9.9.9\n');
      expect(read('etc/hosts')).toContain(`${firstIp}\t${nodeName}`);
    } else {
      expect(interfaces).toContain(`iface ${iface} inet dhcp`);
    }
    if (iface === 'wlan0') {
      const wpa = read('etc/wpa_supplicant/wpa_supplicant.conf');
      expect(wpa).toContain('country=DE');
      expect(wpa).toContain('ssid="Lab Net 5G"');
      expect(wpa).toContain('scan_ssid=1');
      expect(wpa).toContain(`psk=${wifiPsk(wifiPassphrase, 'Lab Net 5G')}`);
    }
  });

  it('asks for the cgroup arguments on cmdline.txt', async () => {
    const { payload } = await render(iface, addressing);
    expect(payload.edits).toEqual([
      {
        path: 'cmdline.txt',
        ensure: [
          ...cgroupKernelArgs,
          ...(iface === 'wlan0' ? ['cfg80211.ieee80211_regdom=DE'] : []),
        ],
        remove: [],
      },
    ]);
  });
});

describe('apkovl local.d script', () => {
  it('passes shellcheck as POSIX sh and starts the bootstrap until it is done', async (ctx) => {
    requirePrerequisites(ctx, [[hasCommand('shellcheck'), 'shellcheck']]);
    const { path } = await render('wlan0', 'static');
    const text = readFileSync(join(extract(path), 'etc/local.d/kubeflash.start'), 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(shellcheck(text)).toBe('');
    expect(text).toContain("ENTRY='/var/lib/kubeflash/bootstrap.sh'");
    expect(text).toContain("DONE='/var/lib/kubeflash/done'");
    expect(text).toContain(`scrub_overlay /media/*/'${nodeName}.apkovl.tar.gz'`);
    expect(text).toMatch(/ensure_user\nstart_bootstrap\nscrub_overlay/);
  });

  it('replaces the overlay on the media, once, by one without the secret files', async (ctx) => {
    requirePrerequisites(ctx, [[hasCommand('tar'), 'tar']]);
    const { path } = await render('eth0', 'static');
    const text = readFileSync(join(extract(path), 'etc/local.d/kubeflash.start'), 'utf8');
    const script = `log() { :; }\n${shellFunction(text, 'scrub_overlay')}\nscrub_overlay "$@"`;
    const before = listing(path);

    const first = run('sh', ['-c', script, 'sh', path]);
    expect(first.status, first.stderr).toBe(0);
    const after = listing(path);
    expect(after.has(secretTokenPath.slice(1))).toBe(false);
    expect(after.has('etc/kubeflash/overlay-scrubbed')).toBe(true);
    for (const [name, entry] of before) {
      if (name === secretTokenPath.slice(1)) continue;
      expect(after.get(name), name).toEqual(entry);
    }
    const scrubbed = readFileSync(path);

    expect(run('sh', ['-c', script, 'sh', path]).status).toBe(0);
    expect(readFileSync(path).equals(scrubbed)).toBe(true);
  });

  it('keeps plain passwords and passphrases out, the hash in', async () => {
    const passwordHash = hashPassword(plainPassword);
    const { path } = await render('wlan0', 'dhcp', { secrets: { ...keys.secrets, passwordHash } });
    const root = extract(path);
    const all = run('sh', ['-c', 'cat $(find "$1" -type f)', 'sh', root]).stdout;
    expect(all).not.toContain(plainPassword);
    expect(all).not.toContain(wifiPassphrase);
    expect(readFileSync(join(root, 'etc/local.d/kubeflash.start'), 'utf8')).toContain(
      `PASSWORD_HASH='${passwordHash}'`,
    );
  });

  it('renders the same bytes for the same input (flash time as mtime)', async () => {
    const base = input(keys, 'alpine', 'eth0', 'dhcp');
    const a = await renderApkovl(base);
    const b = await renderPayload(base);
    expect(decode(b.files[0]!.content)).toBe(decode(a.files[0]!.content));
    expect(Buffer.from(a.files[0]!.content).equals(Buffer.from(b.files[0]!.content))).toBe(true);
  });

  it('tells overlays from other boot files', () => {
    expect(isApkovlName('headless.apkovl.tar.gz')).toBe(true);
    expect(isApkovlName('cmdline.txt')).toBe(false);
    expect(isApkovlName('boot/x.apkovl.tar.gz')).toBe(false);
  });
});
