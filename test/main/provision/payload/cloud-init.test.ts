import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { cgroupKernelArgs } from '../../../../main/provision/model';
import {
  bootstrapUnitName,
  cloudInit079Keys,
  cloudInit079Modules,
  hashPassword,
  type PayloadInput,
  renderCloudInit,
  wifiPsk,
} from '../../../../main/provision/payload';
import { hasCommand, requirePrerequisites } from '../../../support/prerequisites';
import {
  combos,
  decode,
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

type Doc = Record<string, unknown>;
interface WrittenFile {
  content: string;
  permissions: string;
  owner: string;
}

const families = ['ubuntu', 'raspios-trixie', 'hypriot'] as const;
const bootMounts = {
  ubuntu: '/boot/firmware',
  'raspios-trixie': '/boot/firmware',
  hypriot: '/boot',
};

let keys: KeyMaterial;
let dir: string;

beforeAll(async () => {
  keys = await keyMaterial([nodeName]);
  dir = tempDir('cloud-init');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(payload: ReturnType<typeof renderCloudInit>): Record<string, string> {
  return Object.fromEntries(payload.files.map((f) => [f.path, decode(f.content)]));
}

function cloudConfig(text: string): Doc {
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parse(text) as Doc;
}

function writeFiles(doc: Doc): Map<string, WrittenFile> {
  const entries = doc.write_files as {
    path: string;
    content: string;
    encoding: string;
    permissions: string;
    owner: string;
  }[];
  return new Map(
    entries.map((e) => {
      expect(e.encoding).toBe('b64');
      return [
        e.path,
        {
          content: Buffer.from(e.content, 'base64').toString('utf8'),
          permissions: e.permissions,
          owner: e.owner,
        },
      ];
    }),
  );
}

/** Every `sh -c` string in runcmd/bootcmd. */
function inlineScripts(doc: Doc): string[] {
  const commands = [...((doc.runcmd as unknown[]) ?? []), ...((doc.bootcmd as unknown[]) ?? [])];
  return commands
    .filter((c): c is string[] => Array.isArray(c) && c[0] === 'sh' && c[1] === '-c')
    .map((c) => c[2]!);
}

let counter = 0;
function scratch(name: string): string {
  const path = join(dir, `${counter++}-${name}`);
  mkdirSync(path, { recursive: true });
  return path;
}

function schema(text: string): { status: number | null; out: string } {
  const path = join(scratch('schema'), 'user-data');
  writeFileSync(path, text);
  const result = run('cloud-init', ['schema', '--config-file', path]);
  return { status: result.status, out: result.stdout + result.stderr };
}

function render(
  family: (typeof families)[number],
  iface: 'eth0' | 'wlan0',
  addressing: 'static' | 'dhcp',
  extra: Partial<PayloadInput> = {},
) {
  const payloadInput = input(keys, family, iface, addressing, extra);
  return { payloadInput, payload: renderCloudInit(payloadInput) };
}

describe.each(families)('cloud-init for %s', (family) => {
  describe.each(combos)('%s, %s', (iface, addressing) => {
    it('writes user-data that cloud-init accepts and that says what the plan says', (ctx) => {
      requirePrerequisites(ctx, [
        [hasCommand('cloud-init'), 'cloud-init (Debian package cloud-init)'],
      ]);
      const { payloadInput, payload } = render(family, iface, addressing);
      const text = files(payload)['user-data']!;
      const check = schema(text);
      expect(check.out).toContain('Valid cloud-config');
      expect(check.status).toBe(0);

      const doc = cloudConfig(text);
      expect(doc.hostname).toBe(nodeName);
      expect(doc.manage_etc_hosts).toBe(true);
      const [user] = doc.users as Doc[];
      expect(user).toMatchObject({
        name: 'kube',
        shell: '/bin/bash',
        sudo: 'ALL=(ALL) NOPASSWD:ALL',
        lock_passwd: true,
      });
      expect(user).not.toHaveProperty('passwd');
      expect(user!.ssh_authorized_keys).toEqual([
        keys.secrets.ssh!.user!.publicKey.trim(),
        keys.planKey.trim(),
      ]);
      expect(doc.ssh_pwauth).toBe(false);
      expect(doc.ssh_deletekeys).toBe(true);
      const hostKeys = keys.secrets.ssh!.hostKeys[nodeName]!;
      expect(doc.ssh_keys).toEqual({
        ed25519_private: hostKeys.ed25519.privateKey,
        ed25519_public: hostKeys.ed25519.publicKey.trim(),
        rsa_private: hostKeys.rsa.privateKey,
        rsa_public: hostKeys.rsa.publicKey.trim(),
      });
      expect(doc.timezone).toBe('Europe/Berlin');
      expect(doc.locale).toBe('en_US.UTF-8');

      const written = writeFiles(doc);
      for (const file of payloadInput.bundle.files) {
        expect(written.get(file.path)).toEqual({
          content: file.content,
          permissions: `0${file.mode.toString(8)}`,
          owner: 'root:root',
        });
      }
      const unit = written.get(`/etc/systemd/system/${bootstrapUnitName}`)!;
      expect(unit.content).toContain(`ExecStart=${entryPoint}`);
      expect(unit.content).toContain('ConditionPathExists=!/var/lib/kubeflash/done');
      expect(written.get('/usr/local/sbin/kubeflash-swap-off')?.permissions).toBe('0755');
      expect(doc.runcmd).toEqual(
        expect.arrayContaining([
          ['/usr/local/sbin/kubeflash-swap-off'],
          ['systemctl', 'enable', '--now', '--no-block', bootstrapUnitName],
        ]),
      );
      expect((doc.runcmd as unknown[]).at(-1)).toEqual(['/usr/local/sbin/kubeflash-scrub-boot']);

      if (family === 'hypriot') {
        expect(doc).not.toHaveProperty('keyboard');
        expect(doc).not.toHaveProperty('ntp');
      } else {
        expect(doc.keyboard).toEqual({ layout: 'us' });
        expect(doc.ntp).toEqual({ enabled: true });
      }
      if (family === 'raspios-trixie') {
        expect(inlineScripts(doc).join('\n')).toContain(
          'systemctl disable regenerate_ssh_host_keys.service',
        );
      }
      if (family === 'hypriot' && iface === 'wlan0') {
        const conf = written.get('/etc/wpa_supplicant/wpa_supplicant-wlan0.conf')!;
        expect(conf.permissions).toBe('0600');
        expect(conf.content).toContain(`psk=${wifiPsk(wifiPassphrase, ssid)}`);
        expect(conf.content).toContain('scan_ssid=1');
        expect(inlineScripts(doc).join('\n')).toContain('wpa_supplicant@wlan0.service');
      } else {
        expect([...written.keys()].some((p) => p.includes('wpa_supplicant'))).toBe(false);
      }
    });

    if (family === 'hypriot') {
      it('uses only modules cloud-init 0.7.9 has, in the card and in the scrubbed copy', () => {
        const doc = cloudConfig(files(render(family, iface, addressing).payload)['user-data']!);
        const copy = cloudConfig(
          writeFiles(doc).get('/var/lib/kubeflash/cloud-init/user-data')!.content,
        );
        for (const d of [doc, copy]) {
          const unknown = Object.keys(d).filter((key) => !cloudInit079Keys.has(key));
          expect(unknown).toEqual([]);
          for (const entry of d.write_files as Doc[]) {
            expect(Object.keys(entry).sort()).toEqual([
              'content',
              'encoding',
              'owner',
              'path',
              'permissions',
            ]);
          }
        }
      });
    }

    it('keeps secrets off the boot partition after first boot: the scrubbed copies hold none', (ctx) => {
      requirePrerequisites(ctx, [
        [hasCommand('cloud-init'), 'cloud-init (Debian package cloud-init)'],
      ]);
      const { payload } = render(family, iface, addressing);
      const seed = files(payload);
      const written = writeFiles(cloudConfig(seed['user-data']!));
      const copy = written.get('/var/lib/kubeflash/cloud-init/user-data')!;
      const netCopy = written.get('/var/lib/kubeflash/cloud-init/network-config')!;
      expect(copy.permissions).toBe('0600');
      expect(schema(copy.content).status).toBe(0);
      const scrubbed = cloudConfig(copy.content);
      expect(scrubbed).not.toHaveProperty('ssh_keys');
      expect(scrubbed.ssh_deletekeys).toBe(false);
      expect(scrubbed.hostname).toBe(nodeName);
      const scrubbedPaths = (scrubbed.write_files as Doc[]).map((f) => f.path);
      expect(scrubbedPaths).not.toContain(secretTokenPath);
      expect(scrubbedPaths).toContain(entryPoint);
      expect(copy.content).not.toContain('PRIVATE KEY');
      expect(copy.content).not.toContain(Buffer.from(`${secretToken}\n`).toString('base64'));
      if (iface === 'wlan0') expect(netCopy.content).not.toContain(wifiPsk(wifiPassphrase, ssid));

      // The scrub script, run as on the node against a stand-in boot partition.
      const boot = scratch('boot');
      const copies = scratch('copies');
      writeFileSync(join(boot, 'user-data'), seed['user-data']!);
      writeFileSync(join(boot, 'network-config'), seed['network-config']!);
      writeFileSync(join(copies, 'user-data'), copy.content);
      writeFileSync(join(copies, 'network-config'), netCopy.content);
      const scrub = join(scratch('bin'), 'scrub');
      writeFileSync(scrub, written.get('/usr/local/sbin/kubeflash-scrub-boot')!.content);
      chmodSync(scrub, 0o755);
      expect(written.get('/usr/local/sbin/kubeflash-scrub-boot')!.content).toContain(
        `boot=\${1:-'${bootMounts[family]}'}`,
      );
      const result = run('sh', [scrub, boot, copies]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(readFileSync(join(boot, 'user-data'), 'utf8')).toBe(copy.content);
      expect(readFileSync(join(boot, 'network-config'), 'utf8')).toBe(netCopy.content);
      expect(readdirSync(boot).sort()).toEqual(['network-config', 'user-data']);
      expect(existsSync(copies)).toBe(false);
    });

    it('puts no plain password or passphrase anywhere', () => {
      const withHash = {
        secrets: { ...keys.secrets, passwordHash: hashPassword(plainPassword) },
      };
      const { payload } = render(family, iface, addressing, withHash);
      const all = payload.files.map((f) => decode(f.content)).join('\n');
      const doc = cloudConfig(files(payload)['user-data']!);
      const decoded = [...writeFiles(doc).values()].map((f) => f.content).join('\n');
      for (const text of [all, decoded]) {
        expect(text).not.toContain(plainPassword);
        expect(text).not.toContain(wifiPassphrase);
      }
      const [user] = doc.users as Doc[];
      expect(user).toMatchObject({ lock_passwd: false, passwd: withHash.secrets.passwordHash });
      const copy = cloudConfig(
        writeFiles(doc).get('/var/lib/kubeflash/cloud-init/user-data')!.content,
      );
      expect((copy.users as Doc[])[0]).not.toHaveProperty('passwd');
    });

    it('ships shell that passes shellcheck as POSIX sh', (ctx) => {
      requirePrerequisites(ctx, [[hasCommand('shellcheck'), 'shellcheck']]);
      const doc = cloudConfig(files(render(family, iface, addressing).payload)['user-data']!);
      const scripts = [
        ...[...writeFiles(doc).values()]
          .map((f) => f.content)
          .filter((c) => c.startsWith('#!/bin/sh')),
        ...inlineScripts(doc),
      ];
      expect(scripts.length).toBeGreaterThanOrEqual(3);
      for (const text of scripts) expect(shellcheck(text)).toBe('');
    });

    it('writes network-config that the network tools accept, with the planned address', (ctx) => {
      requirePrerequisites(ctx, [
        [hasCommand('cloud-init'), 'cloud-init (Debian package cloud-init)'],
        [hasCommand('netplan'), 'netplan (Debian package netplan.io)'],
      ]);
      const text = files(render(family, iface, addressing).payload)['network-config']!;
      const source = join(scratch('net'), 'network-config');
      writeFileSync(source, text);
      const out = scratch('converted');
      const version = family === 'hypriot' ? 1 : 2;
      expect(
        (parse(text) as Doc).version ?? (parse(text) as { network: Doc }).network.version,
      ).toBe(version);
      const converted = run('cloud-init', [
        'devel',
        'net-convert',
        '-p',
        source,
        '-k',
        'yaml',
        '-d',
        out,
        '-D',
        'debian',
        '-O',
        version === 1 ? 'eni' : 'netplan',
      ]);
      expect(converted.status, converted.stderr).toBe(0);

      if (version === 1) {
        const eni = readFileSync(join(out, 'etc/network/interfaces.d/50-cloud-init'), 'utf8');
        if (addressing === 'static') {
          expect(eni).toContain(`iface ${iface} inet static`);
          expect(eni).toContain(`address ${firstIp}/24`);
          expect(eni).toContain(`gateway ${gateway}`);
        } else {
          expect(eni).toContain(`iface ${iface} inet dhcp`);
        }
        return;
      }
      const netplanOut = readFileSync(join(out, 'etc/netplan/50-cloud-init.yaml'), 'utf8');
      if (addressing === 'static') expect(netplanOut).toContain(`${firstIp}/24`);

      // netplan itself: the renderer that runs on the node.
      const root = scratch('netplan-root');
      mkdirSync(join(root, 'etc/netplan'), { recursive: true });
      writeFileSync(join(root, 'etc/netplan/50-cloud-init.yaml'), text, { mode: 0o600 });
      const generated = run('netplan', ['generate', '--root-dir', root]);
      expect(generated.status, generated.stderr).toBe(0);
      const networkFile = readFileSync(
        join(root, `run/systemd/network/10-netplan-${iface}.network`),
        'utf8',
      );
      if (addressing === 'static') {
        expect(networkFile).toContain(`Address=${firstIp}/24`);
        expect(networkFile).toContain(`Gateway=${gateway}`);
        expect(networkFile).toContain('DNS=192.168.1.1');
      } else {
        expect(networkFile).toMatch(/DHCP=(ipv4|yes)/);
      }
      if (iface === 'wlan0') {
        const wpa = readFileSync(join(root, 'run/netplan/wpa-wlan0.conf'), 'utf8');
        expect(wpa).toContain(`psk=${wifiPsk(wifiPassphrase, ssid)}`);
        expect(wpa).toContain('scan_ssid=1');
        expect(wpa).toContain('country=DE');
      }
    });

    it('asks for the cgroup arguments (and the Wi-Fi country) on cmdline.txt', () => {
      const { payload } = render(family, iface, addressing);
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

  it("writes meta-data with a fresh instance id each flash, in the image's key style too", () => {
    const a = files(render(family, 'eth0', 'dhcp').payload)['meta-data']!;
    const b = files(render(family, 'eth0', 'dhcp').payload)['meta-data']!;
    const docA = parse(a) as Doc;
    const docB = parse(b) as Doc;
    expect(docA['instance-id']).toMatch(/^kubeflash-/);
    expect(docA['instance-id']).not.toBe(docB['instance-id']);
    expect(docA['local-hostname']).toBe(nodeName);
    expect(docA.dsmode).toBe(family === 'hypriot' ? undefined : 'local');
    expect(docA).not.toHaveProperty('instance_id');

    const { payloadInput, payload } = render(family, 'eth0', 'dhcp', {
      options: { metaDataKey: 'instance_id' },
    });
    const underscored = parse(files(payload)['meta-data']!) as Doc;
    expect(underscored.instance_id).toBe(payloadInput.instanceId);
    expect(underscored['instance-id']).toBe(payloadInput.instanceId);
  });
});

describe('cloud-init special cases', () => {
  it('lists the 0.7.9 modules of the HypriotOS image, not newer ones', () => {
    expect(Object.keys(cloudInit079Modules)).toEqual(
      expect.arrayContaining([
        'bootcmd',
        'write-files',
        'users-groups',
        'ssh',
        'runcmd',
        'locale',
        'timezone',
        'phone-home',
      ]),
    );
    expect(Object.keys(cloudInit079Modules)).not.toContain('keyboard');
    expect(cloudInit079Keys.has('keyboard')).toBe(false);
    expect(cloudInit079Keys.has('write_files')).toBe(true);
  });

  it('refuses an SSID netplan would write unescaped, but HypriotOS takes it (as hex)', () => {
    const quoted = (family: (typeof families)[number]) => {
      const base = input(keys, family, 'wlan0', 'dhcp');
      base.cluster.spec.network.wifi = { ssid: 'Lab "5G"', country: 'DE', hidden: false };
      return renderCloudInit(base);
    };
    expect(() => quoted('ubuntu')).toThrow(/unescaped/);
    const doc = cloudConfig(files(quoted('hypriot'))['user-data']!);
    const conf = writeFiles(doc).get('/etc/wpa_supplicant/wpa_supplicant-wlan0.conf')!.content;
    expect(conf).toContain(`ssid=${Buffer.from('Lab "5G"').toString('hex')}`);
  });

  it('leaves an open network without a key', () => {
    const base = input(keys, 'ubuntu', 'wlan0', 'dhcp');
    base.secrets = { ...keys.secrets, wifiPassphrase: undefined };
    const net = parse(files(renderCloudInit(base))['network-config']!) as { network: Doc };
    expect(net.network.wifis).toEqual({
      wlan0: {
        dhcp4: true,
        'regulatory-domain': 'DE',
        'access-points': { [ssid]: { hidden: true } },
      },
    });
  });
});
