import ipaddr from 'ipaddr.js';

import {
  type Cluster,
  type ClusterNode,
  inRange,
  ipToNumber,
  isIpv4,
  parseIpv4Cidr,
} from '../../../common/cluster';
import type { Secrets } from '../../secrets';
import { payloadError } from './errors';
import { wifiPsk } from './wifi-psk';

export type StaticAddress = {
  kind: 'static';
  address: string;
  prefix: number;
  /** Dotted form, for formats without CIDR notation (ifupdown, cloud-init v1). */
  netmask: string;
  gateway?: string;
};
export type Addressing = { kind: 'dhcp' } | StaticAddress;

export interface WifiSettings {
  ssid: string;
  /** 64 hex digits (see wifiPsk); absent for an open network. */
  psk?: string;
  /** ISO 3166 alpha-2, upper case: the regulatory domain. */
  country: string;
  hidden: boolean;
}

/** One node's network, as every OS format needs it. */
export interface NodeNetwork {
  interface: 'eth0' | 'wlan0';
  addressing: Addressing;
  /** Resolvers for static addressing; DHCP brings its own. */
  dns: string[];
  wifi?: WifiSettings;
}

export function nodeNetwork(cluster: Cluster, node: ClusterNode, secrets: Secrets): NodeNetwork {
  const net = cluster.spec.network;
  const addressing: Addressing =
    net.addressing === 'static' ? staticAddress(cluster, node) : { kind: 'dhcp' };
  const gateway = addressing.kind === 'static' ? addressing.gateway : undefined;
  // A static node without resolvers could not fetch anything: home routers answer DNS.
  const dns = net.dns.length > 0 ? [...net.dns] : gateway ? [gateway] : [];
  for (const server of dns) {
    if (!isIpv4(server))
      throw payloadError(`DNS server "${server}" is not an IPv4 address.`, 'network.dns');
  }
  const result: NodeNetwork = { interface: net.interface, addressing, dns };
  if (net.interface === 'wlan0') result.wifi = wifiSettings(cluster, secrets);
  return result;
}

function staticAddress(cluster: Cluster, node: ClusterNode): StaticAddress {
  const net = cluster.spec.network;
  const subnet = parseIpv4Cidr(net.subnet);
  if (!subnet) throw payloadError(`Subnet "${net.subnet}" is not an IPv4 CIDR.`, 'network.subnet');
  if (!node.ip || !isIpv4(node.ip)) {
    throw payloadError(
      `Node ${node.hostname} needs an IPv4 address for static addressing.`,
      `nodes.${node.hostname}.ip`,
    );
  }
  if (!inRange(ipToNumber(node.ip), subnet)) {
    throw payloadError(
      `${node.ip} of ${node.hostname} is outside ${net.subnet}.`,
      `nodes.${node.hostname}.ip`,
    );
  }
  if (net.gateway !== undefined && !isIpv4(net.gateway)) {
    throw payloadError(`Gateway "${net.gateway}" is not an IPv4 address.`, 'network.gateway');
  }
  return {
    kind: 'static',
    address: node.ip,
    prefix: subnet.prefix,
    netmask: ipaddr.IPv4.subnetMaskFromPrefixLength(subnet.prefix).toString(),
    ...(net.gateway ? { gateway: net.gateway } : {}),
  };
}

function wifiSettings(cluster: Cluster, secrets: Secrets): WifiSettings {
  const wifi = cluster.spec.network.wifi;
  if (!wifi) {
    throw payloadError('The plan uses wlan0 but names no Wi-Fi network.', 'network.wifi');
  }
  if (!/^[A-Za-z]{2}$/.test(wifi.country)) {
    throw payloadError(
      `Wi-Fi country "${wifi.country}" is not a two-letter ISO 3166 code.`,
      'network.wifi.country',
    );
  }
  return {
    ssid: wifi.ssid,
    ...(secrets.wifiPassphrase ? { psk: wifiPsk(secrets.wifiPassphrase, wifi.ssid) } : {}),
    country: wifi.country.toUpperCase(),
    hidden: wifi.hidden,
  };
}
