import { describe, expect, it } from 'vitest';

import { validateCluster } from '../../../../common/cluster';
import {
  changeDistribution,
  optionalText,
  setInterface,
  setVirtualIpAddress,
  setVirtualIpEnabled,
  splitLines,
  splitWords,
  withAddon,
  withSpec,
  withWifi,
} from '../../../../renderer/src/features/cluster/plan-edits';
import { labCluster } from './fixtures';

describe('plan edits', () => {
  it('patches one spec section and leaves the input alone', () => {
    const cluster = labCluster();
    const changed = withSpec(cluster, 'network', { subnet: '10.0.0.0/24' });
    expect(changed.spec.network.subnet).toBe('10.0.0.0/24');
    expect(changed.spec.network.gateway).toBe('192.168.1.1');
    expect(cluster.spec.network.subnet).toBe('192.168.1.0/24');
    const addon = withAddon(cluster, 'metallb', { enabled: true, addresses: '192.168.1.200/29' });
    expect(addon.spec.addons.metallb).toEqual({ enabled: true, addresses: '192.168.1.200/29' });
    expect(addon.spec.addons.nfs).toBe(cluster.spec.addons.nfs);
  });

  it('switches distribution with its version, CNI, VIP provider and default ranges', () => {
    const k0s = changeDistribution(labCluster(), 'k0s');
    expect(k0s.spec.distribution).toEqual({ name: 'k0s', version: 'v1.32.5+k0s.0' });
    expect(k0s.spec.network.cni).toBe('kube-router');
    expect(k0s.spec.controlPlane.virtualIP?.provider).toBe('k0s-cplb');
    expect(k0s.spec.network.podCIDR).toBe('10.244.0.0/16');
    expect(validateCluster(k0s)).toEqual([]);
  });

  it('keeps pod and service ranges the user chose', () => {
    const custom = withSpec(labCluster(), 'network', { podCIDR: '10.50.0.0/16' });
    expect(changeDistribution(custom, 'kubeadm').spec.network.podCIDR).toBe('10.50.0.0/16');
  });

  it('keeps a VIP provider the new distribution also allows', () => {
    const kubeadm = changeDistribution(labCluster(), 'kubeadm');
    expect(kubeadm.spec.controlPlane.virtualIP?.provider).toBe('kube-vip');
  });

  it('turns the virtual IP off with the init node as endpoint, and on again', () => {
    const single = labCluster({ controlPlanes: 1, virtualIP: undefined });
    const on = setVirtualIpEnabled(single, true);
    expect(on.spec.controlPlane.virtualIP).toEqual({
      address: '192.168.1.101',
      provider: 'kube-vip',
    });
    const off = setVirtualIpEnabled(labCluster(), false);
    expect(off.spec.controlPlane.virtualIP).toBeUndefined();
    expect(off.spec.controlPlane.endpoint).toBe('192.168.1.101');
  });

  it('moves an endpoint that followed the VIP along with it', () => {
    const moved = setVirtualIpAddress(labCluster(), '192.168.1.99');
    expect(moved.spec.controlPlane).toMatchObject({
      endpoint: '192.168.1.99',
      virtualIP: { address: '192.168.1.99' },
    });
    const dns = withSpec(labCluster(), 'controlPlane', { endpoint: 'k8s.lab' });
    expect(setVirtualIpAddress(dns, '192.168.1.99').spec.controlPlane.endpoint).toBe('k8s.lab');
  });

  it('gives Wi-Fi its settings and drops them for Ethernet', () => {
    const wifi = setInterface(labCluster(), 'wlan0');
    expect(wifi.spec.network.wifi).toEqual({ ssid: '', country: '', hidden: false });
    const named = withWifi(wifi, { ssid: 'lab', country: 'GB' });
    expect(validateCluster(named)).toEqual([]);
    expect(setInterface(named, 'eth0').spec.network.wifi).toBeUndefined();
  });

  it('splits lists the way they are typed', () => {
    expect(splitWords(' 1.1.1.1, 9.9.9.9  8.8.8.8,')).toEqual(['1.1.1.1', '9.9.9.9', '8.8.8.8']);
    expect(splitLines('ssh-ed25519 AAA a@b\r\n\n  ssh-rsa BBB c@d  \n')).toEqual([
      'ssh-ed25519 AAA a@b',
      'ssh-rsa BBB c@d',
    ]);
    expect(optionalText('   ')).toBeUndefined();
    expect(optionalText('/srv/my share')).toBe('/srv/my share');
  });
});
