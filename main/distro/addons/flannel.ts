import { addonImages } from '../../../common/cluster';
import {
  binding,
  type KubeObject,
  namespace,
  readOnly,
  rule,
  serviceAccount,
  tolerateEverything,
} from './manifest';

export interface FlannelOptions {
  /** The cluster's pod range: flannel's net-conf.json "Network". */
  podCidr: string;
  backend: 'vxlan' | 'host-gw';
  /** The node interface flannel routes over (eth0 or wlan0), so it never guesses. */
  interface: string;
}

const NS = 'kube-flannel';
const LABELS = { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' };

/**
 * flannel for kubeadm clusters, as kube-flannel.yml of the pinned release: a DaemonSet whose
 * init containers install the flannel CNI plugin and its conflist on every node. host-gw needs
 * every node on one L2 segment (true for a rack of Pis on one switch); vxlan works everywhere.
 */
export function flannelManifest(options: FlannelOptions): KubeObject[] {
  const cniConf = {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  const netConf = {
    Network: options.podCidr,
    EnableNFTables: false,
    Backend: { Type: options.backend },
  };
  const hostPath = (name: string, path: string, type?: string) => ({
    name,
    hostPath: { path, ...(type ? { type } : {}) },
  });
  return [
    namespace(NS, { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' }),
    serviceAccount('flannel', NS),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'flannel', labels: { 'k8s-app': 'flannel' } },
      rules: [
        rule([''], ['pods'], ['get']),
        rule([''], ['nodes'], readOnly),
        rule([''], ['nodes/status'], ['patch']),
      ],
    },
    binding('ClusterRoleBinding', 'flannel', 'flannel', { name: 'flannel', namespace: NS }),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-flannel-cfg', namespace: NS, labels: LABELS },
      data: {
        'cni-conf.json': `${JSON.stringify(cniConf, null, 2)}\n`,
        'net-conf.json': `${JSON.stringify(netConf, null, 2)}\n`,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-flannel-ds', namespace: NS, labels: LABELS },
      spec: {
        selector: { matchLabels: { app: 'flannel', 'k8s-app': 'flannel' } },
        template: {
          metadata: { labels: LABELS },
          spec: {
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            tolerations: tolerateEverything,
            serviceAccountName: 'flannel',
            initContainers: [
              {
                name: 'install-cni-plugin',
                image: addonImages.flannelCniPlugin,
                command: ['cp'],
                args: ['-f', '/flannel', '/opt/cni/bin/flannel'],
                volumeMounts: [{ name: 'cni-plugin', mountPath: '/opt/cni/bin' }],
              },
              {
                name: 'install-cni',
                image: addonImages.flannel,
                command: ['cp'],
                args: [
                  '-f',
                  '/etc/kube-flannel/cni-conf.json',
                  '/etc/cni/net.d/10-flannel.conflist',
                ],
                volumeMounts: [
                  { name: 'cni', mountPath: '/etc/cni/net.d' },
                  { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                ],
              },
            ],
            containers: [
              {
                name: 'kube-flannel',
                image: addonImages.flannel,
                command: ['/opt/bin/flanneld'],
                args: ['--ip-masq', '--kube-subnet-mgr', `--iface=${options.interface}`],
                resources: { requests: { cpu: '100m', memory: '50Mi' } },
                securityContext: {
                  privileged: false,
                  capabilities: { add: ['NET_ADMIN', 'NET_RAW'] },
                },
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  {
                    name: 'POD_NAMESPACE',
                    valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } },
                  },
                  { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
                ],
                volumeMounts: [
                  { name: 'run', mountPath: '/run/flannel' },
                  { name: 'flannel-cfg', mountPath: '/etc/kube-flannel/' },
                  { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
                ],
              },
            ],
            volumes: [
              hostPath('run', '/run/flannel'),
              hostPath('cni-plugin', '/opt/cni/bin'),
              hostPath('cni', '/etc/cni/net.d'),
              { name: 'flannel-cfg', configMap: { name: 'kube-flannel-cfg' } },
              hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
            ],
          },
        },
      },
    },
  ];
}
