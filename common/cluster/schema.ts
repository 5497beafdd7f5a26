import { z } from 'zod';

import { roles } from './roles';
import { distributionNames } from './versions';

/**
 * The cluster file: the plan, readable and diff-friendly, safe to commit (no secrets: those live
 * in the encrypted secrets file beside it). Objects are strict so a typo is an error, never lost.
 */
export const clusterApiVersion = 'kubeflash.io/v1alpha1';

export { type Role, roles } from './roles';

const text = (max: number) => z.string().max(max);

export const ClusterNode = z
  .object({
    hostname: text(63),
    role: z.enum(roles),
    /** The control-plane node that initialises the cluster; exactly one. */
    init: z.boolean().optional(),
    /** Static address, or the expected (reserved) address with DHCP. */
    ip: text(45).optional(),
    /** Per-node image, overriding spec.image.default. */
    image: text(4096).optional(),
  })
  .strict();
export type ClusterNode = z.infer<typeof ClusterNode>;

export const VirtualIp = z
  .object({
    address: text(45),
    provider: z.enum(['kube-vip', 'keepalived-haproxy', 'k0s-cplb']),
  })
  .strict();

export const ClusterSpec = z
  .object({
    distribution: z.object({ name: z.enum(distributionNames), version: text(64) }).strict(),
    controlPlane: z
      .object({
        /** Host the kubeconfig and joining nodes use: the virtual IP, or the init node's address. */
        endpoint: text(253),
        port: z.number().int().min(1).max(65535).default(6443),
        virtualIP: VirtualIp.optional(),
      })
      .strict(),
    network: z
      .object({
        interface: z.enum(['eth0', 'wlan0']),
        addressing: z.enum(['static', 'dhcp']),
        subnet: text(49),
        gateway: text(45).optional(),
        dns: z.array(text(45)).max(3).default([]),
        wifi: z
          .object({ ssid: text(64), country: text(2), hidden: z.boolean().default(false) })
          .strict()
          .optional(),
        podCIDR: text(49),
        serviceCIDR: text(49),
        cni: z.enum(['flannel', 'kube-router']),
        flannelBackend: z.enum(['vxlan', 'host-gw']).default('vxlan'),
      })
      .strict(),
    system: z
      .object({
        timezone: text(64).default('Etc/UTC'),
        locale: text(64).default('en_US.UTF-8'),
        keyboardLayout: text(32).default('us'),
      })
      .strict()
      .default({ timezone: 'Etc/UTC', locale: 'en_US.UTF-8', keyboardLayout: 'us' }),
    ssh: z
      .object({
        user: text(32),
        /** authorized_keys lines; the user key Kubeflash generated is added at flash time. */
        authorizedKeys: z.array(text(16384)).default([]),
        passwordAuthentication: z.boolean().default(false),
      })
      .strict(),
    addons: z
      .object({
        metallb: z
          .object({ enabled: z.boolean(), addresses: text(100).optional() })
          .strict()
          .default({ enabled: false }),
        nfs: z
          .object({
            enabled: z.boolean(),
            server: text(253).optional(),
            path: text(4096).optional(),
            storageClass: text(63).default('nfs-client'),
          })
          .strict()
          .default({ enabled: false, storageClass: 'nfs-client' }),
        dashboard: z.object({ enabled: z.boolean() }).strict().default({ enabled: false }),
      })
      .strict()
      .default({
        metallb: { enabled: false },
        nfs: { enabled: false, storageClass: 'nfs-client' },
        dashboard: { enabled: false },
      }),
    image: z
      .object({ default: text(4096).optional() })
      .strict()
      .default({}),
    nodes: z.array(ClusterNode).max(500),
  })
  .strict();

export const Cluster = z
  .object({
    apiVersion: z.literal(clusterApiVersion),
    kind: z.literal('Cluster'),
    metadata: z.object({ name: text(63) }).strict(),
    spec: ClusterSpec,
  })
  .strict();
export type Cluster = z.infer<typeof Cluster>;
export type ClusterSpec = z.infer<typeof ClusterSpec>;
