import { checkAuthorizedKey } from './authorized-key';
import {
  inRange,
  ipToNumber,
  type Ipv4Range,
  isIpv4,
  parseIpv4Cidr,
  parseIpv4Pool,
  rangesOverlap,
} from './ipv4';
import type { Cluster } from './schema';
import { allowedCnis, allowedVipProviders, defaultVersions, versionPatterns } from './versions';

export interface ValidationIssue {
  /** Errors block flashing; warnings are shown and do not. */
  severity: 'error' | 'warning';
  /** The field, as a dotted path into the cluster file (`spec.nodes.2.ip`). */
  path: string;
  message: string;
}

export interface ValidationContext {
  /** The Wi-Fi passphrase from the secrets file, when it is unlocked. */
  wifiPassphrase?: string;
}

const dnsLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const linuxUser = /^[a-z_][a-z0-9_-]{0,31}$/;
const countryCode = /^[A-Z]{2}$/;

/** Every rule of the plan, each with a precise message beside the field it concerns. */
export function validateCluster(
  cluster: Cluster,
  context: ValidationContext = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const error = (path: string, message: string) =>
    issues.push({ severity: 'error', path, message });
  const warning = (path: string, message: string) =>
    issues.push({ severity: 'warning', path, message });
  const { spec } = cluster;
  const { network } = spec;
  const staticIps = network.addressing === 'static';

  if (!dnsLabel.test(cluster.metadata.name)) {
    error(
      'metadata.name',
      'Use lowercase letters, digits and hyphens (at most 63), starting and ending with a letter or digit',
    );
  }
  const distribution = spec.distribution.name;
  if (!versionPatterns[distribution].test(spec.distribution.version)) {
    error(
      'spec.distribution.version',
      `"${spec.distribution.version}" is not a ${distribution} version (like ${defaultVersions[distribution]})`,
    );
  }

  // Network
  const subnet = parseIpv4Cidr(network.subnet);
  if (!subnet)
    error(
      'spec.network.subnet',
      `"${network.subnet}" is not an IPv4 subnet such as 192.168.1.0/24`,
    );
  const hostRange: Ipv4Range | null =
    subnet && subnet.prefix <= 30 ? { first: subnet.first + 1, last: subnet.last - 1 } : subnet;
  const checkAddress = (path: string, value: string, what: string, mustBeInSubnet: boolean) => {
    if (!isIpv4(value)) {
      error(path, `"${value}" is not an IPv4 address`);
      return null;
    }
    const n = ipToNumber(value);
    if (mustBeInSubnet && subnet && hostRange && !inRange(n, hostRange)) {
      error(
        path,
        inRange(n, subnet)
          ? `${value} is the subnet's network or broadcast address`
          : `${what} ${value} is outside the subnet ${network.subnet}`,
      );
    }
    return n;
  };
  const gateway = network.gateway
    ? checkAddress('spec.network.gateway', network.gateway, 'The gateway', true)
    : null;
  if (staticIps && !network.gateway)
    error('spec.network.gateway', 'Static addressing needs a gateway');
  const dns = network.dns.map((value, i) =>
    checkAddress(`spec.network.dns.${i}`, value, 'DNS server', false),
  );
  if (staticIps && network.dns.length === 0)
    error('spec.network.dns', 'Static addressing needs at least one DNS server');

  if (network.interface === 'wlan0') {
    if (!network.wifi) error('spec.network.wifi', 'Wi-Fi (wlan0) needs an SSID and a country');
    else {
      const ssidBytes = new TextEncoder().encode(network.wifi.ssid).length;
      if (ssidBytes < 1 || ssidBytes > 32)
        error('spec.network.wifi.ssid', 'An SSID is 1 to 32 bytes long');
      if (!countryCode.test(network.wifi.country)) {
        error(
          'spec.network.wifi.country',
          'The Wi-Fi country is a two-letter code in capitals (GB, US, CN, DE …): it sets the legal channels',
        );
      }
      if (
        context.wifiPassphrase !== undefined &&
        !/^[\x20-\x7e]{8,63}$/.test(context.wifiPassphrase)
      ) {
        error('secrets.wifiPassphrase', 'A WPA passphrase is 8 to 63 printable ASCII characters');
      }
    }
  } else if (network.wifi) {
    warning('spec.network.wifi', 'Wi-Fi settings are ignored while the interface is eth0');
  }

  const pods = parseIpv4Cidr(network.podCIDR);
  const services = parseIpv4Cidr(network.serviceCIDR);
  if (!pods) error('spec.network.podCIDR', `"${network.podCIDR}" is not an IPv4 CIDR`);
  if (!services) error('spec.network.serviceCIDR', `"${network.serviceCIDR}" is not an IPv4 CIDR`);
  if (pods && services && rangesOverlap(pods, services))
    error('spec.network.serviceCIDR', 'The service range overlaps the pod range');
  if (subnet && pods && rangesOverlap(subnet, pods))
    error('spec.network.podCIDR', `The pod range overlaps the node subnet ${network.subnet}`);
  if (subnet && services && rangesOverlap(subnet, services)) {
    error(
      'spec.network.serviceCIDR',
      `The service range overlaps the node subnet ${network.subnet}`,
    );
  }
  if (!allowedCnis[distribution].includes(network.cni)) {
    error(
      'spec.network.cni',
      `${distribution} runs ${allowedCnis[distribution].join(' or ')}, not ${network.cni}`,
    );
  }

  // Nodes
  const nodeIps = new Map<number, string>();
  const names = new Map<string, number>();
  spec.nodes.forEach((node, i) => {
    const path = `spec.nodes.${i}`;
    if (!dnsLabel.test(node.hostname)) {
      error(
        `${path}.hostname`,
        `"${node.hostname}" is not a valid hostname: lowercase letters, digits and hyphens, at most 63, not starting or ending with a hyphen`,
      );
    }
    const earlier = names.get(node.hostname.toLowerCase());
    if (earlier !== undefined)
      error(`${path}.hostname`, `${node.hostname} is already node ${earlier + 1}`);
    else names.set(node.hostname.toLowerCase(), i);
    if (node.init && node.role !== 'control-plane')
      error(`${path}.init`, 'Only a control-plane node can initialise the cluster');
    if (node.ip === undefined) {
      if (staticIps)
        error(`${path}.ip`, `${node.hostname} needs an IP address (static addressing)`);
      return;
    }
    const n = checkAddress(`${path}.ip`, node.ip, `${node.hostname}'s address`, true);
    if (n === null) return;
    const owner = nodeIps.get(n);
    if (owner) error(`${path}.ip`, `${node.ip} is already ${owner}'s address`);
    else nodeIps.set(n, node.hostname);
    if (n === gateway) error(`${path}.ip`, `${node.ip} is the gateway's address`);
    if (dns.includes(n)) error(`${path}.ip`, `${node.ip} is a DNS server's address`);
  });

  // Control plane
  const controlPlanes = spec.nodes.filter((n) => n.role === 'control-plane');
  const inits = spec.nodes.filter((n) => n.init);
  if (controlPlanes.length === 0)
    error('spec.nodes', 'The cluster needs at least one control-plane node');
  if (inits.length === 0 && controlPlanes.length > 0)
    error('spec.nodes', 'Mark exactly one control-plane node to initialise the cluster');
  if (inits.length > 1)
    error(
      'spec.nodes',
      `Exactly one node initialises the cluster; ${inits.map((n) => n.hostname).join(', ')} are all marked`,
    );
  if (controlPlanes.length > 0 && controlPlanes.length % 2 === 0) {
    warning(
      'spec.nodes',
      `${controlPlanes.length} control-plane nodes make an even number of etcd members: one more node adds no fault tolerance; use 1, 3 or 5`,
    );
  } else if (controlPlanes.length > 5) {
    warning(
      'spec.nodes',
      `${controlPlanes.length} control-plane nodes: etcd slows down beyond 5 members`,
    );
  }

  const vip = spec.controlPlane.virtualIP;
  if (vip) {
    const n = checkAddress(
      'spec.controlPlane.virtualIP.address',
      vip.address,
      'The virtual IP',
      true,
    );
    if (n !== null) {
      if (nodeIps.has(n))
        error(
          'spec.controlPlane.virtualIP.address',
          `The virtual IP ${vip.address} is ${nodeIps.get(n)}'s address`,
        );
      if (n === gateway)
        error('spec.controlPlane.virtualIP.address', "The virtual IP is the gateway's address");
      if (dns.includes(n))
        error('spec.controlPlane.virtualIP.address', "The virtual IP is a DNS server's address");
    }
    if (!allowedVipProviders[distribution].includes(vip.provider)) {
      error(
        'spec.controlPlane.virtualIP.provider',
        `${distribution} uses ${allowedVipProviders[distribution].join(' or ')} for the virtual IP, not ${vip.provider}`,
      );
    }
    if (spec.controlPlane.endpoint !== vip.address) {
      warning(
        'spec.controlPlane.endpoint',
        `The endpoint ${spec.controlPlane.endpoint} is not the virtual IP ${vip.address}: clients will not fail over`,
      );
    }
  } else {
    if (controlPlanes.length > 1)
      error(
        'spec.controlPlane.virtualIP',
        `${controlPlanes.length} control-plane nodes need a virtual IP so that the API stays reachable when one is down`,
      );
    const init = inits[0];
    if (init && init.ip && spec.controlPlane.endpoint !== init.ip) {
      warning(
        'spec.controlPlane.endpoint',
        `Without a virtual IP the endpoint is usually the init node's address (${init.ip})`,
      );
    }
    if (init && !init.ip)
      error(
        `spec.nodes.${spec.nodes.indexOf(init)}.ip`,
        'Without a virtual IP the init node needs a known address (a DHCP reservation) for the endpoint',
      );
  }

  // SSH
  if (!linuxUser.test(spec.ssh.user) || spec.ssh.user === 'root') {
    error(
      'spec.ssh.user',
      `"${spec.ssh.user}" is not a usable login name: lowercase letters, digits, _ and -, not root`,
    );
  }
  spec.ssh.authorizedKeys.forEach((line, i) => {
    const key = checkAuthorizedKey(line);
    if ('problem' in key) error(`spec.ssh.authorizedKeys.${i}`, `Key ${i + 1}: ${key.problem}`);
  });
  if (!isTimezone(spec.system.timezone))
    error(
      'spec.system.timezone',
      `"${spec.system.timezone}" is not a time zone name such as Europe/Berlin or Asia/Shanghai`,
    );

  // Add-ons
  const metallb = spec.addons.metallb;
  if (metallb.enabled) {
    const pool = metallb.addresses ? parseIpv4Pool(metallb.addresses) : null;
    if (!pool)
      error(
        'spec.addons.metallb.addresses',
        'Give the MetalLB pool as a range (192.168.1.200-192.168.1.220) or a CIDR',
      );
    else {
      if (hostRange && (pool.first < hostRange.first || pool.last > hostRange.last)) {
        error(
          'spec.addons.metallb.addresses',
          `The MetalLB pool must lie inside the subnet ${network.subnet}`,
        );
      }
      const clash = [...nodeIps].find(([n]) => inRange(n, pool));
      if (clash)
        error('spec.addons.metallb.addresses', `The MetalLB pool contains ${clash[1]}'s address`);
      for (const [what, n] of [
        ['gateway', gateway],
        ['virtual IP', vip && isIpv4(vip.address) ? ipToNumber(vip.address) : null],
      ] as const) {
        if (n !== null && inRange(n, pool))
          error('spec.addons.metallb.addresses', `The MetalLB pool contains the ${what}`);
      }
    }
  }
  const nfs = spec.addons.nfs;
  if (nfs.enabled) {
    if (!nfs.server)
      error('spec.addons.nfs.server', "The NFS provisioner needs the NFS server's address or name");
    if (!nfs.path?.startsWith('/'))
      error('spec.addons.nfs.path', 'The NFS export path is absolute, like /srv/nfs/kubernetes');
  }
  return issues;
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

function isTimezone(name: string): boolean {
  if (name === 'UTC' || name === 'Etc/UTC') return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}
