import { beforeAll, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import { osFamilies, payloadFormatOf } from '../../../../main/provision/model';
import {
  type PayloadInput,
  renderApkovl,
  renderCloudInit,
  renderFirstrun,
  renderPayload,
} from '../../../../main/provision/payload';
import { entryPoint, fakeBundle, input, type KeyMaterial, keyMaterial, nodeName } from './fixtures';

let keys: KeyMaterial;

beforeAll(async () => {
  keys = await keyMaterial([nodeName]);
});

/** The error a renderer throws: a KubeflashError naming the input to fix. */
function failure(render: () => unknown): KubeflashError {
  try {
    render();
  } catch (error) {
    expect(error).toBeInstanceOf(KubeflashError);
    return error as KubeflashError;
  }
  throw new Error('expected the renderer to refuse the input');
}

function ubuntu(change: (i: PayloadInput) => void = () => {}): () => unknown {
  const base = input(keys, 'ubuntu', 'eth0', 'static');
  change(base);
  return () => renderCloudInit(base);
}

describe('renderPayload', () => {
  it.each(osFamilies)('picks the format of %s', async (family) => {
    const payload = await renderPayload(input(keys, family, 'eth0', 'dhcp'));
    expect(payload.family).toBe(family);
    const names = payload.files.map((f) => f.path);
    const expected = {
      'cloud-init': ['user-data', 'network-config', 'meta-data'],
      firstrun: ['firstrun.sh'],
      apkovl: [`${nodeName}.apkovl.tar.gz`],
    }[payloadFormatOf[family]];
    expect(names).toEqual(expected);
  });
});

describe('payload input checks', () => {
  it('refuses a family of another format', async () => {
    expect(failure(() => renderCloudInit(input(keys, 'alpine', 'eth0', 'dhcp'))).subject).toBe(
      'family',
    );
    expect(failure(() => renderFirstrun(input(keys, 'ubuntu', 'eth0', 'dhcp'))).message).toMatch(
      /cloud-init payload, not firstrun/,
    );
    await expect(renderApkovl(input(keys, 'hypriot', 'eth0', 'dhcp'))).rejects.toThrow(
      /not apkovl/,
    );
  });

  it('needs the node in the plan, its host keys and the app key', () => {
    expect(
      failure(ubuntu((i) => (i.node = { hostname: 'stranger', role: 'worker' }))).subject,
    ).toBe('node');
    expect(failure(ubuntu((i) => (i.node = i.cluster.spec.nodes[1]!))).subject).toBe(
      'ssh.hostKeys',
    );
    expect(
      failure(
        ubuntu((i) => (i.secrets = { ...i.secrets, ssh: { hostKeys: i.secrets.ssh!.hostKeys } })),
      ).subject,
    ).toBe('ssh.user');
  });

  it('checks the network plan', () => {
    expect(failure(ubuntu((i) => (i.node = { ...i.node, ip: undefined }))).message).toMatch(
      /needs an IPv4 address/,
    );
    expect(failure(ubuntu((i) => (i.node = { ...i.node, ip: '10.0.0.5' }))).message).toMatch(
      /outside 192\.168\.1\.0\/24/,
    );
    expect(failure(ubuntu((i) => (i.cluster.spec.network.dns = ['dns.example']))).subject).toBe(
      'network.dns',
    );
    const noWifi = input(keys, 'ubuntu', 'wlan0', 'dhcp');
    delete noWifi.cluster.spec.network.wifi;
    expect(failure(() => renderCloudInit(noWifi)).subject).toBe('network.wifi');
    const shortKey = input(keys, 'ubuntu', 'wlan0', 'dhcp');
    shortKey.secrets = { ...shortKey.secrets, wifiPassphrase: 'short' };
    expect(failure(() => renderCloudInit(shortKey)).subject).toBe('wifiPassphrase');
  });

  it('checks names that end up in scripts and files', () => {
    expect(failure(ubuntu((i) => (i.cluster.spec.ssh.user = 'root'))).subject).toBe('ssh.user');
    expect(
      failure(ubuntu((i) => (i.cluster.spec.system.timezone = "Europe/Berlin'; rm -rf /"))).subject,
    ).toBe('system.timezone');
    expect(failure(ubuntu((i) => (i.cluster.spec.system.keyboardLayout = 'us/evil'))).subject).toBe(
      'system.keyboardLayout',
    );
    expect(failure(ubuntu((i) => (i.instanceId = 'has space'))).subject).toBe('instanceId');
    expect(
      failure(ubuntu((i) => (i.secrets = { ...i.secrets, passwordHash: 'hunter2' }))).subject,
    ).toBe('passwordHash');
    expect(
      failure(ubuntu((i) => (i.cluster.spec.ssh.authorizedKeys = ['ssh-ed25519 AAAA-broken'])))
        .message,
    ).toMatch(/base64/);
  });

  it('checks the node bundle', () => {
    const bundle = (change: (b: ReturnType<typeof fakeBundle>) => void) =>
      ubuntu((i) => {
        i.bundle = fakeBundle();
        change(i.bundle);
      });
    expect(failure(bundle((b) => (b.entryPoint = '/nowhere.sh'))).message).toMatch(/entry point/);
    expect(failure(bundle((b) => (b.files[1]!.path = '/etc/../shadow'))).message).toMatch(
      /plain absolute path/,
    );
    expect(failure(bundle((b) => (b.files[1]!.path = '/etc/$(reboot)'))).message).toMatch(
      /plain absolute path/,
    );
    expect(failure(bundle((b) => (b.files[1]!.path = entryPoint))).message).toMatch(/twice/);
    expect(failure(bundle((b) => (b.files[1]!.mode = 0o10000))).message).toMatch(/mode/);
    expect(
      failure(bundle((b) => (b.files[1]!.path = '/usr/local/sbin/kubeflash-swap-off'))).message,
    ).toMatch(/overwrite/);
  });

  it("refuses a bundle file that would overwrite the overlay's own files", async () => {
    const i = input(keys, 'alpine', 'eth0', 'dhcp');
    i.bundle.files[1]!.path = '/etc/hostname';
    await expect(renderApkovl(i)).rejects.toThrow(/overwrite/);
    const f = input(keys, 'raspios-bookworm', 'eth0', 'dhcp');
    f.bundle.files[1]!.path = '/etc/ssh/ssh_host_rsa_key';
    expect(failure(() => renderFirstrun(f)).message).toMatch(/overwrite/);
  });
});
