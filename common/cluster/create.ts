import { z } from 'zod';

import { ipv4Sequence } from './ipv4';
import { addNodes } from './node-table';
import { type Cluster, clusterApiVersion } from './schema';
import {
  defaultPodCidr,
  defaultServiceCidr,
  defaultVersions,
  distributionDefaults,
  distributionNames,
} from './versions';

/** What a new cluster is made from (the `kubeflash init` flags and the UI's new-cluster form). */
export const NewClusterOptions = z
  .object({
    name: z.string().min(1).max(63),
    distribution: z.enum(distributionNames).default('k3s'),
    version: z.string().max(64).optional(),
    controlPlanes: z.number().int().min(1).max(7).default(1),
    workers: z.number().int().min(0).max(250).default(0),
    /** Hostnames: `<prefix>-cp-01…`, `<prefix>-worker-01…`. */
    hostnamePrefix: z.string().min(1).max(40).default('rpi-kube'),
    virtualIP: z.string().max(45).optional(),
    interface: z.enum(['eth0', 'wlan0']).default('eth0'),
    addressing: z.enum(['static', 'dhcp']).default('static'),
    subnet: z.string().max(49),
    gateway: z.string().max(45).optional(),
    dns: z.array(z.string().max(45)).max(3).default([]),
    /** Address of the first control-plane node; the others and then the workers follow. */
    firstIp: z.string().max(45).optional(),
    wifi: z
      .object({
        ssid: z.string().max(64),
        country: z.string().max(2),
        hidden: z.boolean().default(false),
      })
      .strict()
      .optional(),
    sshUser: z.string().max(32).default('pi'),
    authorizedKeys: z.array(z.string().max(16384)).default([]),
    timezone: z.string().max(64).default('Etc/UTC'),
    locale: z.string().max(64).default('en_US.UTF-8'),
    keyboardLayout: z.string().max(32).default('us'),
  })
  .strict();
export type NewClusterOptions = z.input<typeof NewClusterOptions>;

export function createCluster(input: NewClusterOptions): Cluster {
  const options = NewClusterOptions.parse(input);
  const defaults = distributionDefaults[options.distribution];
  const width = 2;
  const range = (count: number) =>
    `{${'1'.padStart(width, '0')}..${String(count).padStart(width, '0')}}`;
  let cluster: Cluster = {
    apiVersion: clusterApiVersion,
    kind: 'Cluster',
    metadata: { name: options.name },
    spec: {
      distribution: {
        name: options.distribution,
        version: options.version ?? defaultVersions[options.distribution],
      },
      controlPlane: {
        endpoint: options.virtualIP ?? options.firstIp ?? '',
        port: 6443,
        ...(options.virtualIP
          ? { virtualIP: { address: options.virtualIP, provider: defaults.vipProvider } }
          : {}),
      },
      network: {
        interface: options.interface,
        addressing: options.addressing,
        subnet: options.subnet,
        ...(options.gateway ? { gateway: options.gateway } : {}),
        dns: options.dns,
        ...(options.wifi ? { wifi: options.wifi } : {}),
        podCIDR: defaultPodCidr[options.distribution],
        serviceCIDR: defaultServiceCidr[options.distribution],
        cni: defaults.cni,
        flannelBackend: 'vxlan',
      },
      system: {
        timezone: options.timezone,
        locale: options.locale,
        keyboardLayout: options.keyboardLayout,
      },
      ssh: {
        user: options.sshUser,
        authorizedKeys: options.authorizedKeys,
        passwordAuthentication: false,
      },
      addons: {
        metallb: { enabled: false },
        nfs: { enabled: false, storageClass: 'nfs-client' },
        dashboard: { enabled: false },
      },
      image: {},
      nodes: [],
    },
  };
  cluster = addNodes(cluster, {
    namePattern: `${options.hostnamePrefix}-cp-${range(options.controlPlanes)}`,
    role: 'control-plane',
    firstIp: options.firstIp,
  });
  if (options.workers > 0) {
    const lastIp = cluster.spec.nodes.at(-1)?.ip;
    cluster = addNodes(cluster, {
      namePattern: `${options.hostnamePrefix}-worker-${range(options.workers)}`,
      role: 'worker',
      firstIp: lastIp ? ipv4Sequence(lastIp, 2)[1] : undefined,
    });
  }
  return cluster;
}
