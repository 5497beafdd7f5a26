import {
  allowedVipProviders,
  type Cluster,
  type ClusterSpec,
  defaultPodCidr,
  defaultServiceCidr,
  defaultVersions,
  distributionDefaults,
  type DistributionName,
} from '../../../../common/cluster';

/**
 * Plan edits of the settings form, as pure functions on the cluster (the node table has its own
 * in common/cluster/node-table.ts). They never check rules: validateCluster does.
 */

type Section = Exclude<keyof ClusterSpec, 'nodes' | 'addons'>;
type Addon = keyof ClusterSpec['addons'];

export function withSpec<S extends Section>(
  cluster: Cluster,
  section: S,
  patch: Partial<ClusterSpec[S]>,
): Cluster {
  return {
    ...cluster,
    spec: { ...cluster.spec, [section]: { ...cluster.spec[section], ...patch } },
  };
}

export function withAddon<A extends Addon>(
  cluster: Cluster,
  addon: A,
  patch: Partial<ClusterSpec['addons'][A]>,
): Cluster {
  const addons = { ...cluster.spec.addons, [addon]: { ...cluster.spec.addons[addon], ...patch } };
  return { ...cluster, spec: { ...cluster.spec, addons } };
}

export function withName(cluster: Cluster, name: string): Cluster {
  return { ...cluster, metadata: { ...cluster.metadata, name } };
}

/**
 * Another distribution brings its pinned version, its CNI and its virtual-IP provider; pod and
 * service ranges follow only where they were the old distribution's defaults.
 */
export function changeDistribution(cluster: Cluster, name: DistributionName): Cluster {
  const { spec } = cluster;
  const old = spec.distribution.name;
  if (old === name) return cluster;
  const network = {
    ...spec.network,
    cni: distributionDefaults[name].cni,
    podCIDR:
      spec.network.podCIDR === defaultPodCidr[old] ? defaultPodCidr[name] : spec.network.podCIDR,
    serviceCIDR:
      spec.network.serviceCIDR === defaultServiceCidr[old]
        ? defaultServiceCidr[name]
        : spec.network.serviceCIDR,
  };
  const vip = spec.controlPlane.virtualIP;
  const provider =
    vip && !allowedVipProviders[name].includes(vip.provider)
      ? distributionDefaults[name].vipProvider
      : vip?.provider;
  return {
    ...cluster,
    spec: {
      ...spec,
      distribution: { name, version: defaultVersions[name] },
      network,
      controlPlane: {
        ...spec.controlPlane,
        ...(vip && provider ? { virtualIP: { ...vip, provider } } : {}),
      },
    },
  };
}

/**
 * Turn the virtual IP on or off. On: the endpoint (when it is an address) becomes the VIP.
 * Off: the endpoint falls back to the init node's address, as validateCluster expects.
 */
export function setVirtualIpEnabled(cluster: Cluster, enabled: boolean): Cluster {
  const { controlPlane } = cluster.spec;
  if (enabled === Boolean(controlPlane.virtualIP)) return cluster;
  if (enabled) {
    const provider = distributionDefaults[cluster.spec.distribution.name].vipProvider;
    return withSpec(cluster, 'controlPlane', {
      virtualIP: { address: controlPlane.endpoint, provider },
    });
  }
  const init = cluster.spec.nodes.find((node) => node.init);
  return withSpec(cluster, 'controlPlane', {
    virtualIP: undefined,
    endpoint: init?.ip ?? controlPlane.endpoint,
  });
}

/** A new virtual IP; an endpoint that was the old VIP (or empty) follows it. */
export function setVirtualIpAddress(cluster: Cluster, address: string): Cluster {
  const { controlPlane } = cluster.spec;
  if (!controlPlane.virtualIP) return cluster;
  const endpointFollows =
    controlPlane.endpoint === '' || controlPlane.endpoint === controlPlane.virtualIP.address;
  return withSpec(cluster, 'controlPlane', {
    virtualIP: { ...controlPlane.virtualIP, address },
    ...(endpointFollows ? { endpoint: address } : {}),
  });
}

/** Wi-Fi needs its settings; Ethernet drops them (they would only be ignored). */
export function setInterface(cluster: Cluster, networkInterface: 'eth0' | 'wlan0'): Cluster {
  const { network } = cluster.spec;
  if (networkInterface === 'eth0')
    return withSpec(cluster, 'network', { interface: 'eth0', wifi: undefined });
  return withSpec(cluster, 'network', {
    interface: 'wlan0',
    wifi: network.wifi ?? { ssid: '', country: '', hidden: false },
  });
}

export function withWifi(
  cluster: Cluster,
  patch: Partial<NonNullable<ClusterSpec['network']['wifi']>>,
): Cluster {
  const wifi = cluster.spec.network.wifi ?? { ssid: '', country: '', hidden: false };
  return withSpec(cluster, 'network', { wifi: { ...wifi, ...patch } });
}

/** `"1.1.1.1, 9.9.9.9"` → `['1.1.1.1', '9.9.9.9']` (commas or spaces). */
export function splitWords(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((word) => word.trim())
    .filter(Boolean);
}

/** One entry per non-empty line (authorized_keys). */
export function splitLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** An optional text field: blank means absent; anything else stays as typed. */
export function optionalText(text: string): string | undefined {
  return text.trim() === '' ? undefined : text;
}
