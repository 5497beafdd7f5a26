import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  type Cluster,
  createCluster,
  hasErrors,
  validateCluster,
  type ValidationContext,
  type ValidationIssue,
} from '../../../common/cluster';
import { hasCommand, requirePrerequisite } from '../../support/prerequisites';

/*
 * Every rule of validateCluster: one case that breaks it (exact path, severity, key words of the
 * message) and one that satisfies it. The addresses are plan data only; nothing is contacted.
 */

// 3 control planes behind a VIP + 4 workers, static, 192.168.1.0/24.
// Nodes: 0 cp-01 .101 (init), 1 cp-02 .102, 2 cp-03 .103, 3 worker-01 .104 … 6 worker-04 .107.
const baseline: Cluster = createCluster({
  name: 'lab',
  distribution: 'k3s',
  controlPlanes: 3,
  workers: 4,
  virtualIP: '192.168.1.100',
  subnet: '192.168.1.0/24',
  gateway: '192.168.1.1',
  dns: ['192.168.1.53'],
  firstIp: '192.168.1.101',
  timezone: 'Europe/Berlin',
});

/** A changed copy of a cluster (the baseline by default). */
function variant(change: (c: Cluster) => void, base: Cluster = baseline): Cluster {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

const wifi = (c: Cluster) => {
  c.spec.network.interface = 'wlan0';
  c.spec.network.wifi = { ssid: 'HomeNet', country: 'DE', hidden: false };
};
const withVip = (address: string) => (c: Cluster) => {
  c.spec.controlPlane.virtualIP!.address = address;
  c.spec.controlPlane.endpoint = address;
};
const withControlPlanes = (count: number) => (c: Cluster) => {
  c.spec.nodes.forEach((node, i) => (node.role = i < count ? 'control-plane' : 'worker'));
};
/** One control plane, no VIP, endpoint = the init node's address. */
const single = variant((c) => {
  c.spec.nodes = c.spec.nodes.filter((n) => n.hostname !== 'rpi-kube-cp-02');
  c.spec.nodes = c.spec.nodes.filter((n) => n.hostname !== 'rpi-kube-cp-03');
  delete c.spec.controlPlane.virtualIP;
  c.spec.controlPlane.endpoint = '192.168.1.101';
});
const metallb = (addresses?: string) => (c: Cluster) => {
  c.spec.addons.metallb = { enabled: true, ...(addresses ? { addresses } : {}) };
};

interface Expected {
  severity: ValidationIssue['severity'];
  path: string;
  message: RegExp;
}

interface FailingCase extends Expected {
  rule: string;
  cluster: Cluster;
  context?: ValidationContext;
  /** Other issues the change unavoidably causes too (default: this is the only issue). */
  alsoOthers?: boolean;
}

function expectIssue(issues: ValidationIssue[], expected: Expected, only = true) {
  const matching = issues.filter(
    (i) =>
      i.severity === expected.severity &&
      i.path === expected.path &&
      expected.message.test(i.message),
  );
  expect(matching, JSON.stringify(issues, null, 2)).toHaveLength(1);
  if (only) expect(issues).toHaveLength(1);
}

const failing: FailingCase[] = [
  // metadata
  ...['Lab', 'lab_1', '-lab', 'lab-', '', 'a'.repeat(64)].map((name): FailingCase => ({
    rule: `metadata.name ${JSON.stringify(name.length > 10 ? `${name.length} chars` : name)}`,
    cluster: variant((c) => (c.metadata.name = name)),
    severity: 'error',
    path: 'metadata.name',
    message: /lowercase letters, digits and hyphens/,
  })),
  // distribution versions
  ...(
    [
      ['k3s', 'v1.32.5'],
      ['k3s', '1.32.5+k3s1'],
      ['kubeadm', 'v1.32.5+k3s1'],
      ['kubeadm', 'latest'],
      ['k0s', 'v1.32.5+k3s1'],
      ['k0s', 'v1.32.5'],
    ] as const
  ).map(([name, version]): FailingCase => ({
    rule: `${name} version ${version}`,
    cluster: variant((c) => (c.spec.distribution = { name, version })),
    severity: 'error',
    path: 'spec.distribution.version',
    message: new RegExp(`"${version.replace(/[.+]/g, '\\$&')}" is not a ${name} version`),
    // k0s with the k3s CNI and VIP provider also breaks those rules
    alsoOthers: name === 'k0s',
  })),
  // subnet and addresses
  ...['192.168.1.0/33', 'banana', '192.168.1.0', ''].map((subnet): FailingCase => ({
    rule: `subnet ${JSON.stringify(subnet)}`,
    cluster: variant((c) => (c.spec.network.subnet = subnet)),
    severity: 'error',
    path: 'spec.network.subnet',
    message: /is not an IPv4 subnet such as 192\.168\.1\.0\/24/,
  })),
  {
    rule: 'static addressing without a gateway',
    cluster: variant((c) => delete c.spec.network.gateway),
    severity: 'error',
    path: 'spec.network.gateway',
    message: /Static addressing needs a gateway/,
  },
  {
    rule: 'gateway outside the subnet',
    cluster: variant((c) => (c.spec.network.gateway = '192.168.2.1')),
    severity: 'error',
    path: 'spec.network.gateway',
    message: /gateway 192\.168\.2\.1 is outside the subnet 192\.168\.1\.0\/24/,
  },
  {
    rule: 'gateway not an address',
    cluster: variant((c) => (c.spec.network.gateway = '192.168.1.256')),
    severity: 'error',
    path: 'spec.network.gateway',
    message: /"192\.168\.1\.256" is not an IPv4 address/,
  },
  {
    rule: 'gateway is the network address',
    cluster: variant((c) => (c.spec.network.gateway = '192.168.1.0')),
    severity: 'error',
    path: 'spec.network.gateway',
    message: /network or broadcast address/,
  },
  {
    rule: 'node IP is the broadcast address',
    cluster: variant((c) => (c.spec.nodes[6]!.ip = '192.168.1.255')),
    severity: 'error',
    path: 'spec.nodes.6.ip',
    message: /192\.168\.1\.255 is the subnet's network or broadcast address/,
  },
  {
    rule: 'static addressing without DNS',
    cluster: variant((c) => (c.spec.network.dns = [])),
    severity: 'error',
    path: 'spec.network.dns',
    message: /at least one DNS server/,
  },
  {
    rule: 'DNS server not an address',
    cluster: variant((c) => (c.spec.network.dns = ['192.168.1.53', 'dns.example'])),
    severity: 'error',
    path: 'spec.network.dns.1',
    message: /"dns\.example" is not an IPv4 address/,
  },
  {
    rule: 'static node without an IP',
    cluster: variant((c) => delete c.spec.nodes[3]!.ip),
    severity: 'error',
    path: 'spec.nodes.3.ip',
    message: /rpi-kube-worker-01 needs an IP address \(static addressing\)/,
  },
  {
    rule: 'node IP outside the subnet',
    cluster: variant((c) => (c.spec.nodes[4]!.ip = '10.0.0.5')),
    severity: 'error',
    path: 'spec.nodes.4.ip',
    message: /rpi-kube-worker-02's address 10\.0\.0\.5 is outside the subnet/,
  },
  {
    rule: 'node IP not an address',
    cluster: variant((c) => (c.spec.nodes[4]!.ip = '192.168.1.1050')),
    severity: 'error',
    path: 'spec.nodes.4.ip',
    message: /not an IPv4 address/,
  },
  {
    rule: 'duplicate hostnames',
    cluster: variant((c) => (c.spec.nodes[5]!.hostname = 'rpi-kube-worker-01')),
    severity: 'error',
    path: 'spec.nodes.5.hostname',
    message: /rpi-kube-worker-01 is already node 4/,
  },
  {
    rule: 'duplicate IPs',
    cluster: variant((c) => (c.spec.nodes[5]!.ip = '192.168.1.104')),
    severity: 'error',
    path: 'spec.nodes.5.ip',
    message: /192\.168\.1\.104 is already rpi-kube-worker-01's address/,
  },
  {
    rule: 'node IP is the gateway',
    cluster: variant((c) => (c.spec.nodes[3]!.ip = '192.168.1.1')),
    severity: 'error',
    path: 'spec.nodes.3.ip',
    message: /192\.168\.1\.1 is the gateway's address/,
  },
  {
    rule: 'node IP is a DNS server',
    cluster: variant((c) => (c.spec.nodes[3]!.ip = '192.168.1.53')),
    severity: 'error',
    path: 'spec.nodes.3.ip',
    message: /192\.168\.1\.53 is a DNS server's address/,
  },
  // hostnames
  ...['Rpi-Worker', 'rpi_worker', '-rpi-worker', 'rpi-worker-', 'a'.repeat(64), 'rpi.worker'].map(
    (hostname): FailingCase => ({
      rule: `hostname ${hostname.length > 20 ? `of ${hostname.length} chars` : hostname}`,
      cluster: variant((c) => (c.spec.nodes[3]!.hostname = hostname)),
      severity: 'error',
      path: 'spec.nodes.3.hostname',
      message: /is not a valid hostname: lowercase letters, digits and hyphens, at most 63/,
    }),
  ),
  // control plane
  {
    rule: 'init on a worker',
    cluster: variant((c) => {
      delete c.spec.nodes[0]!.init;
      c.spec.nodes[3]!.init = true;
    }),
    severity: 'error',
    path: 'spec.nodes.3.init',
    message: /Only a control-plane node can initialise the cluster/,
  },
  {
    rule: 'zero control planes',
    cluster: variant((c) => {
      withControlPlanes(0)(c);
      delete c.spec.nodes[0]!.init;
    }),
    severity: 'error',
    path: 'spec.nodes',
    message: /at least one control-plane node/,
  },
  {
    rule: 'no init node',
    cluster: variant((c) => delete c.spec.nodes[0]!.init),
    severity: 'error',
    path: 'spec.nodes',
    message: /Mark exactly one control-plane node to initialise the cluster/,
  },
  {
    rule: 'two init nodes',
    cluster: variant((c) => (c.spec.nodes[1]!.init = true)),
    severity: 'error',
    path: 'spec.nodes',
    message: /Exactly one node initialises the cluster; rpi-kube-cp-01, rpi-kube-cp-02 are all/,
  },
  ...[2, 4, 6].map((count): FailingCase => ({
    rule: `${count} control planes`,
    cluster: variant(withControlPlanes(count)),
    severity: 'warning',
    path: 'spec.nodes',
    message: new RegExp(`${count} control-plane nodes make an even number of etcd members`),
  })),
  {
    rule: '7 control planes',
    cluster: variant(withControlPlanes(7)),
    severity: 'warning',
    path: 'spec.nodes',
    message: /7 control-plane nodes: etcd slows down beyond 5 members/,
  },
  // virtual IP
  {
    rule: 'VIP outside the subnet',
    cluster: variant(withVip('10.1.1.1')),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.address',
    message: /The virtual IP 10\.1\.1\.1 is outside the subnet/,
  },
  {
    rule: 'VIP not an address',
    cluster: variant(withVip('api.lab')),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.address',
    message: /"api\.lab" is not an IPv4 address/,
  },
  {
    rule: 'VIP is a node IP',
    cluster: variant(withVip('192.168.1.102')),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.address',
    message: /The virtual IP 192\.168\.1\.102 is rpi-kube-cp-02's address/,
  },
  {
    rule: 'VIP is the gateway',
    cluster: variant(withVip('192.168.1.1')),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.address',
    message: /The virtual IP is the gateway's address/,
  },
  {
    rule: 'VIP is a DNS server',
    cluster: variant(withVip('192.168.1.53')),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.address',
    message: /The virtual IP is a DNS server's address/,
  },
  ...(
    [
      ['k3s', 'keepalived-haproxy'],
      ['k3s', 'k0s-cplb'],
      ['kubeadm', 'k0s-cplb'],
      ['k0s', 'kube-vip'],
    ] as const
  ).map(([distribution, provider]): FailingCase => ({
    rule: `VIP provider ${provider} on ${distribution}`,
    cluster: variant(
      (c) => (c.spec.controlPlane.virtualIP!.provider = provider),
      createCluster({
        name: 'lab',
        distribution,
        controlPlanes: 3,
        virtualIP: '192.168.1.100',
        subnet: '192.168.1.0/24',
        gateway: '192.168.1.1',
        dns: ['192.168.1.53'],
        firstIp: '192.168.1.101',
      }),
    ),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP.provider',
    message: new RegExp(`${distribution} uses .* for the virtual IP, not ${provider}`),
  })),
  {
    rule: 'endpoint is not the VIP',
    cluster: variant((c) => (c.spec.controlPlane.endpoint = '192.168.1.101')),
    severity: 'warning',
    path: 'spec.controlPlane.endpoint',
    message: /The endpoint 192\.168\.1\.101 is not the virtual IP 192\.168\.1\.100/,
  },
  {
    rule: 'several control planes without a VIP',
    cluster: variant((c) => {
      delete c.spec.controlPlane.virtualIP;
      c.spec.controlPlane.endpoint = '192.168.1.101';
    }),
    severity: 'error',
    path: 'spec.controlPlane.virtualIP',
    message: /3 control-plane nodes need a virtual IP/,
  },
  {
    rule: 'no VIP and the endpoint is not the init node',
    cluster: variant((c) => (c.spec.controlPlane.endpoint = '192.168.1.102'), single),
    severity: 'warning',
    path: 'spec.controlPlane.endpoint',
    message: /the endpoint is usually the init node's address \(192\.168\.1\.101\)/,
  },
  {
    rule: 'DHCP, no VIP, init node without an address',
    cluster: variant((c) => {
      c.spec.network.addressing = 'dhcp';
      c.spec.nodes.forEach((n) => delete n.ip);
      c.spec.controlPlane.endpoint = 'rpi-kube-cp-01.local';
    }, single),
    severity: 'error',
    path: 'spec.nodes.0.ip',
    message: /Without a virtual IP the init node needs a known address \(a DHCP reservation\)/,
  },
  // Wi-Fi
  {
    rule: 'wlan0 without Wi-Fi settings',
    cluster: variant((c) => (c.spec.network.interface = 'wlan0')),
    severity: 'error',
    path: 'spec.network.wifi',
    message: /Wi-Fi \(wlan0\) needs an SSID and a country/,
  },
  ...['', 'x'.repeat(33), `${'ü'.repeat(16)}x`].map((ssid): FailingCase => ({
    rule: `SSID of ${new TextEncoder().encode(ssid).length} bytes (${[...ssid].length} characters)`,
    cluster: variant((c) => {
      wifi(c);
      c.spec.network.wifi!.ssid = ssid;
    }),
    severity: 'error',
    path: 'spec.network.wifi.ssid',
    message: /An SSID is 1 to 32 bytes long/,
  })),
  ...['de', 'DEU', 'D', '12'].map((country): FailingCase => ({
    rule: `Wi-Fi country ${country}`,
    cluster: variant((c) => {
      wifi(c);
      c.spec.network.wifi!.country = country;
    }),
    severity: 'error',
    path: 'spec.network.wifi.country',
    message: /two-letter code in capitals/,
  })),
  ...['p'.repeat(7), 'p'.repeat(64), 'passwört1', 'pass\tword'].map(
    (wifiPassphrase): FailingCase => ({
      rule: `Wi-Fi passphrase ${JSON.stringify(wifiPassphrase.length > 10 ? `${wifiPassphrase.length} chars` : wifiPassphrase)}`,
      cluster: variant(wifi),
      context: { wifiPassphrase },
      severity: 'error',
      path: 'secrets.wifiPassphrase',
      message: /A WPA passphrase is 8 to 63 printable ASCII characters/,
    }),
  ),
  {
    rule: 'Wi-Fi settings with eth0',
    cluster: variant(
      (c) => (c.spec.network.wifi = { ssid: 'HomeNet', country: 'DE', hidden: false }),
    ),
    severity: 'warning',
    path: 'spec.network.wifi',
    message: /Wi-Fi settings are ignored while the interface is eth0/,
  },
  // cluster networks
  {
    rule: 'pod CIDR invalid',
    cluster: variant((c) => (c.spec.network.podCIDR = '10.42.0.0')),
    severity: 'error',
    path: 'spec.network.podCIDR',
    message: /"10\.42\.0\.0" is not an IPv4 CIDR/,
  },
  {
    rule: 'service CIDR invalid',
    cluster: variant((c) => (c.spec.network.serviceCIDR = '10.43.0.0/40')),
    severity: 'error',
    path: 'spec.network.serviceCIDR',
    message: /"10\.43\.0\.0\/40" is not an IPv4 CIDR/,
  },
  {
    rule: 'service CIDR overlaps the pod CIDR',
    cluster: variant((c) => (c.spec.network.serviceCIDR = '10.42.128.0/20')),
    severity: 'error',
    path: 'spec.network.serviceCIDR',
    message: /The service range overlaps the pod range/,
  },
  {
    rule: 'pod CIDR overlaps the node subnet',
    cluster: variant((c) => (c.spec.network.podCIDR = '192.168.0.0/16')),
    severity: 'error',
    path: 'spec.network.podCIDR',
    message: /The pod range overlaps the node subnet 192\.168\.1\.0\/24/,
  },
  {
    rule: 'service CIDR overlaps the node subnet',
    cluster: variant((c) => (c.spec.network.serviceCIDR = '192.168.1.128/25')),
    severity: 'error',
    path: 'spec.network.serviceCIDR',
    message: /The service range overlaps the node subnet 192\.168\.1\.0\/24/,
  },
  {
    rule: 'CNI kube-router on k3s',
    cluster: variant((c) => (c.spec.network.cni = 'kube-router')),
    severity: 'error',
    path: 'spec.network.cni',
    message: /k3s runs flannel, not kube-router/,
  },
  {
    rule: 'CNI flannel on k0s',
    cluster: variant(
      (c) => (c.spec.network.cni = 'flannel'),
      createCluster({
        name: 'lab',
        distribution: 'k0s',
        subnet: '192.168.1.0/24',
        gateway: '192.168.1.1',
        dns: ['192.168.1.53'],
        firstIp: '192.168.1.101',
      }),
    ),
    severity: 'error',
    path: 'spec.network.cni',
    message: /k0s runs kube-router, not flannel/,
  },
  // SSH, time zone
  ...['Pi', '1pi', 'pi user', 'root', '', 'p'.repeat(33)].map((user): FailingCase => ({
    rule: `ssh user ${JSON.stringify(user.length > 10 ? `${user.length} chars` : user)}`,
    cluster: variant((c) => (c.spec.ssh.user = user)),
    severity: 'error',
    path: 'spec.ssh.user',
    message: /is not a usable login name: .*not root/,
  })),
  {
    rule: 'authorized key is garbage',
    cluster: variant((c) => (c.spec.ssh.authorizedKeys = ['hello world'])),
    severity: 'error',
    path: 'spec.ssh.authorizedKeys.0',
    message: /^Key 1\b.*"hello"/,
  },
  ...['Mars/Olympus_Mons', 'Europe/Berlín', 'not a zone', 'GMT+1 '].map(
    (timezone): FailingCase => ({
      rule: `time zone ${JSON.stringify(timezone)}`,
      cluster: variant((c) => (c.spec.system.timezone = timezone)),
      severity: 'error',
      path: 'spec.system.timezone',
      message: /is not a time zone name such as Europe\/Berlin/,
    }),
  ),
  // MetalLB
  {
    rule: 'MetalLB enabled without a pool',
    cluster: variant(metallb()),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /Give the MetalLB pool as a range .* or a CIDR/,
  },
  ...['192.168.1.220-192.168.1.200', 'lots', '192.168.1.200-'].map((addresses): FailingCase => ({
    rule: `MetalLB pool ${JSON.stringify(addresses)}`,
    cluster: variant(metallb(addresses)),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /Give the MetalLB pool as a range/,
  })),
  {
    rule: 'MetalLB pool outside the subnet',
    cluster: variant(metallb('192.168.2.200-192.168.2.220')),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /The MetalLB pool must lie inside the subnet 192\.168\.1\.0\/24/,
  },
  {
    rule: 'MetalLB pool reaching the broadcast address',
    cluster: variant(metallb('192.168.1.240/28')),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /must lie inside the subnet/,
  },
  {
    rule: 'MetalLB pool containing a node IP',
    cluster: variant(metallb('192.168.1.105-192.168.1.110')),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /The MetalLB pool contains rpi-kube-worker-02's address/,
  },
  {
    rule: 'MetalLB pool containing the gateway',
    cluster: variant(metallb('192.168.1.1-192.168.1.20')),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /The MetalLB pool contains the gateway/,
  },
  {
    rule: 'MetalLB pool containing the VIP',
    cluster: variant(metallb('192.168.1.98-192.168.1.100')),
    severity: 'error',
    path: 'spec.addons.metallb.addresses',
    message: /The MetalLB pool contains the virtual IP/,
  },
  // NFS
  {
    rule: 'NFS enabled without a server',
    cluster: variant(
      (c) => (c.spec.addons.nfs = { enabled: true, path: '/srv/nfs', storageClass: 'nfs-client' }),
    ),
    severity: 'error',
    path: 'spec.addons.nfs.server',
    message: /needs the NFS server's address or name/,
  },
  ...[undefined, 'srv/nfs', ''].map((path): FailingCase => ({
    rule: `NFS path ${JSON.stringify(path)}`,
    cluster: variant(
      (c) =>
        (c.spec.addons.nfs = {
          enabled: true,
          server: '192.168.1.5',
          ...(path === undefined ? {} : { path }),
          storageClass: 'nfs-client',
        }),
    ),
    severity: 'error',
    path: 'spec.addons.nfs.path',
    message: /The NFS export path is absolute/,
  })),
];

const passing: { rule: string; cluster: Cluster; context?: ValidationContext }[] = [
  {
    rule: 'metadata.name of 63 chars',
    cluster: variant((c) => (c.metadata.name = 'a'.repeat(63))),
  },
  { rule: 'metadata.name with digits', cluster: variant((c) => (c.metadata.name = '1-lab-2')) },
  ...(
    [
      ['k3s', 'v1.31.0+k3s2'],
      ['kubeadm', 'v1.33.1'],
      ['k0s', 'v1.32.5+k0s.0'],
    ] as const
  ).map(([distribution, version]) => ({
    rule: `${distribution} version ${version}`,
    cluster: createCluster({
      name: 'lab',
      distribution,
      version,
      controlPlanes: 3,
      virtualIP: '192.168.1.100',
      subnet: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dns: ['192.168.1.53'],
      firstIp: '192.168.1.101',
    }),
  })),
  {
    rule: 'a /30 subnet with its two hosts',
    cluster: variant((c) => {
      c.spec.network.subnet = '192.168.1.100/30';
      c.spec.network.gateway = '192.168.1.102';
      c.spec.nodes = [c.spec.nodes[0]!];
    }, single),
  },
  {
    rule: 'gateway and DNS the same address',
    cluster: variant((c) => (c.spec.network.dns = ['192.168.1.1', '9.9.9.9'])),
  },
  {
    rule: 'node at the last host address',
    cluster: variant((c) => (c.spec.nodes[6]!.ip = '192.168.1.254')),
  },
  {
    rule: 'hostnames with digits and inner hyphens, 63 chars',
    cluster: variant((c) => {
      c.spec.nodes[3]!.hostname = '0-pi';
      c.spec.nodes[4]!.hostname = 'b'.repeat(63);
    }),
  },
  { rule: '1 control plane', cluster: single },
  { rule: '5 control planes', cluster: variant(withControlPlanes(5)) },
  {
    rule: 'init moved to another control plane',
    cluster: variant((c) => {
      delete c.spec.nodes[0]!.init;
      c.spec.nodes[2]!.init = true;
    }),
  },
  {
    rule: 'kubeadm with kube-vip',
    cluster: variant(
      (c) => (c.spec.controlPlane.virtualIP!.provider = 'kube-vip'),
      createCluster({
        name: 'lab',
        distribution: 'kubeadm',
        controlPlanes: 3,
        virtualIP: '192.168.1.100',
        subnet: '192.168.1.0/24',
        gateway: '192.168.1.1',
        dns: ['192.168.1.53'],
        firstIp: '192.168.1.101',
      }),
    ),
  },
  {
    rule: 'DHCP with a VIP and no node addresses',
    cluster: variant((c) => {
      c.spec.network.addressing = 'dhcp';
      delete c.spec.network.gateway;
      c.spec.network.dns = [];
      c.spec.nodes.forEach((n) => delete n.ip);
    }),
  },
  {
    rule: 'DHCP, no VIP, init node with a reserved address',
    cluster: variant((c) => {
      c.spec.network.addressing = 'dhcp';
      c.spec.nodes.slice(1).forEach((n) => delete n.ip);
    }, single),
  },
  { rule: 'Wi-Fi on wlan0', cluster: variant(wifi) },
  ...[1, 32].map((bytes) => ({
    rule: `SSID of ${bytes} bytes`,
    cluster: variant((c) => {
      wifi(c);
      c.spec.network.wifi!.ssid = 's'.repeat(bytes);
    }),
  })),
  {
    rule: 'SSID of 16 two-byte characters (32 bytes)',
    cluster: variant((c) => {
      wifi(c);
      c.spec.network.wifi!.ssid = 'ü'.repeat(16);
    }),
  },
  ...[8, 63].map((length) => ({
    rule: `Wi-Fi passphrase of ${length} chars`,
    cluster: variant(wifi),
    context: { wifiPassphrase: `a B~!${'x'.repeat(length - 5)}` },
  })),
  {
    rule: 'a Wi-Fi passphrase in the context is ignored with eth0',
    cluster: baseline,
    context: { wifiPassphrase: 'short' },
  },
  {
    rule: 'kubeadm default pod and service ranges',
    cluster: variant((c) => {
      c.spec.network.podCIDR = '10.244.0.0/16';
      c.spec.network.serviceCIDR = '10.96.0.0/12';
    }),
  },
  {
    rule: 'adjacent pod and service ranges',
    cluster: variant((c) => {
      c.spec.network.podCIDR = '10.42.0.0/16';
      c.spec.network.serviceCIDR = '10.43.0.0/16';
    }),
  },
  ...['pi', '_svc', 'kube-admin_2', 'p'.repeat(32)].map((user) => ({
    rule: `ssh user ${user}`,
    cluster: variant((c) => (c.spec.ssh.user = user)),
  })),
  ...['Europe/Berlin', 'Asia/Shanghai', 'America/Argentina/Buenos_Aires', 'UTC', 'Etc/UTC'].map(
    (timezone) => ({
      rule: `time zone ${timezone}`,
      cluster: variant((c) => (c.spec.system.timezone = timezone)),
    }),
  ),
  {
    rule: 'MetalLB pool as a range',
    cluster: variant(metallb('192.168.1.200-192.168.1.220')),
  },
  { rule: 'MetalLB pool as a CIDR', cluster: variant(metallb('192.168.1.224/28')) },
  { rule: 'MetalLB pool of one address', cluster: variant(metallb('192.168.1.99-192.168.1.99')) },
  {
    rule: 'MetalLB disabled with a bad pool',
    cluster: variant((c) => (c.spec.addons.metallb = { enabled: false, addresses: 'lots' })),
  },
  {
    rule: 'NFS with server and absolute path',
    cluster: variant(
      (c) =>
        (c.spec.addons.nfs = {
          enabled: true,
          server: 'nas.lan',
          path: '/srv/nfs/kubernetes',
          storageClass: 'nfs-client',
        }),
    ),
  },
  {
    rule: 'NFS disabled without server or path',
    cluster: variant((c) => (c.spec.addons.nfs = { enabled: false, storageClass: 'nfs-client' })),
  },
];

describe('validateCluster', () => {
  it('finds nothing wrong with the baseline plan', () => {
    expect(baseline.spec.nodes.map((n) => [n.hostname, n.role, n.ip, n.init ?? false])).toEqual([
      ['rpi-kube-cp-01', 'control-plane', '192.168.1.101', true],
      ['rpi-kube-cp-02', 'control-plane', '192.168.1.102', false],
      ['rpi-kube-cp-03', 'control-plane', '192.168.1.103', false],
      ['rpi-kube-worker-01', 'worker', '192.168.1.104', false],
      ['rpi-kube-worker-02', 'worker', '192.168.1.105', false],
      ['rpi-kube-worker-03', 'worker', '192.168.1.106', false],
      ['rpi-kube-worker-04', 'worker', '192.168.1.107', false],
    ]);
    expect(validateCluster(baseline)).toEqual([]);
    expect(validateCluster(single)).toEqual([]);
  });

  it.each(failing.map((c) => [c.rule, c] as const))('flags %s', (_rule, testCase) => {
    const issues = validateCluster(testCase.cluster, testCase.context);
    expectIssue(issues, testCase, !testCase.alsoOthers);
    if (!testCase.alsoOthers) expect(hasErrors(issues)).toBe(testCase.severity === 'error');
  });

  it.each(passing.map((c) => [c.rule, c] as const))('accepts %s', (_rule, testCase) => {
    expect(validateCluster(testCase.cluster, testCase.context)).toEqual([]);
  });

  it('reports every problem at once, each beside its own field', () => {
    const issues = validateCluster(
      variant((c) => {
        c.metadata.name = 'Lab';
        c.spec.nodes[5]!.ip = '192.168.1.104';
        c.spec.ssh.user = 'root';
        c.spec.controlPlane.endpoint = '192.168.1.101';
      }),
    );
    expect(issues.map((i) => [i.severity, i.path])).toEqual([
      ['error', 'metadata.name'],
      ['error', 'spec.nodes.5.ip'],
      ['warning', 'spec.controlPlane.endpoint'],
      ['error', 'spec.ssh.user'],
    ]);
  });

  it('does not change the cluster it checks', () => {
    const cluster = variant((c) => (c.spec.nodes[5]!.ip = '192.168.1.104'));
    const before = structuredClone(cluster);
    validateCluster(cluster, { wifiPassphrase: 'x' });
    expect(cluster).toEqual(before);
  });

  it('hasErrors ignores warnings', () => {
    expect(hasErrors([{ severity: 'warning', path: 'spec.nodes', message: 'even' }])).toBe(false);
    expect(hasErrors([{ severity: 'error', path: 'spec.nodes', message: 'none' }])).toBe(true);
    expect(hasErrors([])).toBe(false);
  });
});

describe('validateCluster: authorized keys from ssh-keygen', () => {
  let dir: string | undefined;
  let publicKey = '';

  beforeAll(() => {
    if (!hasCommand('ssh-keygen')) return;
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-validate-'));
    const file = join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'me@laptop', '-f', file]);
    publicKey = readFileSync(`${file}.pub`, 'utf8').trim();
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a real ed25519 public key', (ctx) => {
    requirePrerequisite(ctx, hasCommand('ssh-keygen'), 'ssh-keygen (openssh-client) is needed');
    expect(publicKey).toMatch(/^ssh-ed25519 AAAA\S+ me@laptop$/);
    expect(validateCluster(variant((c) => (c.spec.ssh.authorizedKeys = [publicKey])))).toEqual([]);
  });

  it('flags a key whose type does not match its key data, naming the key', (ctx) => {
    requirePrerequisite(ctx, hasCommand('ssh-keygen'), 'ssh-keygen (openssh-client) is needed');
    const mixed = publicKey.replace(/^ssh-ed25519/, 'ssh-rsa');
    const issues = validateCluster(
      variant((c) => (c.spec.ssh.authorizedKeys = [publicKey, mixed])),
    );
    expectIssue(issues, {
      severity: 'error',
      path: 'spec.ssh.authorizedKeys.1',
      message: /^Key 2\b.*ssh-rsa.*mixed up/,
    });
  });

  it('flags a key cut short', (ctx) => {
    requirePrerequisite(ctx, hasCommand('ssh-keygen'), 'ssh-keygen (openssh-client) is needed');
    const [type, blob] = publicKey.split(' ');
    const issues = validateCluster(
      variant((c) => (c.spec.ssh.authorizedKeys = [`${type} ${blob!.slice(0, 40)}`])),
    );
    expectIssue(issues, {
      severity: 'error',
      path: 'spec.ssh.authorizedKeys.0',
      message: /^Key 1\b.*(cut short|truncated)/,
    });
  });
});

describe('validateCluster: regressions', () => {
  it('flags init on a worker that has no address (DHCP)', () => {
    const issues = validateCluster(
      variant((c) => {
        c.spec.network.addressing = 'dhcp';
        c.spec.nodes.forEach((n) => delete n.ip);
        delete c.spec.nodes[0]!.init;
        c.spec.nodes[3]!.init = true;
      }),
    );
    expectIssue(issues, {
      severity: 'error',
      path: 'spec.nodes.3.init',
      message: /Only a control-plane node/,
    });
  });

  it.each(['192.168.1/24', '192.168.010.0/24', '3232235776/24'])(
    'refuses the non-dotted-quad subnet %s',
    (subnet) => {
      const issues = validateCluster(variant((c) => (c.spec.network.subnet = subnet)));
      expect(issues.map((i) => i.path)).toContain('spec.network.subnet');
    },
  );
});
