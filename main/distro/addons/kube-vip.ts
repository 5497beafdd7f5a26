import { addonImages } from '../../../common/cluster';
import { binding, type KubeObject, readOnly, rule, serviceAccount } from './manifest';

/** What kube-vip needs to hold the control-plane virtual IP. */
export interface KubeVipOptions {
  /** The virtual IP. */
  address: string;
  /** The API port clients use on the virtual IP. */
  port: number;
  /** The node interface the address is announced on (ARP). */
  interface: string;
}

const NAME = 'kube-vip';
const NAMESPACE = 'kube-system';

/**
 * kube-vip in ARP mode for the control plane only: one leader (Lease `plndr-cp-lock`) answers
 * ARP for the address; the others take over within seconds. Services are left to MetalLB.
 */
function container(options: KubeVipOptions) {
  const env: Record<string, string> = {
    vip_arp: 'true',
    port: String(options.port),
    vip_interface: options.interface,
    vip_cidr: '32',
    dns_mode: 'first',
    cp_enable: 'true',
    cp_namespace: NAMESPACE,
    svc_enable: 'false',
    vip_leaderelection: 'true',
    vip_leasename: 'plndr-cp-lock',
    vip_leaseduration: '5',
    vip_renewdeadline: '3',
    vip_retryperiod: '1',
    address: options.address,
    prometheus_server: ':2112',
  };
  return {
    name: NAME,
    image: addonImages.kubeVip,
    imagePullPolicy: 'IfNotPresent',
    args: ['manager'],
    env: [
      ...Object.entries(env).map(([name, value]) => ({ name, value })),
      { name: 'vip_nodename', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
    ],
    securityContext: {
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
    },
  };
}

/** k3s: RBAC + a DaemonSet on the control-plane nodes, deployed from k3s's manifests folder. */
export function kubeVipDaemonSet(options: KubeVipOptions): KubeObject[] {
  const account = { name: NAME, namespace: NAMESPACE };
  return [
    serviceAccount(NAME, NAMESPACE),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'system:kube-vip-role' },
      rules: [
        rule([''], ['services/status'], ['update']),
        rule([''], ['services', 'endpoints'], ['list', 'get', 'watch', 'update']),
        rule([''], ['nodes'], ['list', 'get', 'watch', 'update', 'patch']),
        rule(['coordination.k8s.io'], ['leases'], ['list', 'get', 'watch', 'update', 'create']),
        rule(['discovery.k8s.io'], ['endpointslices'], readOnly),
        rule([''], ['pods'], ['list']),
      ],
    },
    binding('ClusterRoleBinding', 'system:kube-vip-binding', 'system:kube-vip-role', account),
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: NAME, namespace: NAMESPACE, labels: { 'app.kubernetes.io/name': NAME } },
      spec: {
        selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': NAME } },
          spec: {
            // k3s labels control planes "true", kubeadm ""; Exists matches both.
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' },
                      ],
                    },
                  ],
                },
              },
            },
            tolerations: [
              { operator: 'Exists', effect: 'NoSchedule' },
              { operator: 'Exists', effect: 'NoExecute' },
            ],
            hostNetwork: true,
            serviceAccountName: NAME,
            containers: [container(options)],
          },
        },
      },
    },
  ];
}

export const KUBE_VIP_STATIC_POD_PATH = '/etc/kubernetes/manifests/kube-vip.yaml';

/**
 * kubeadm: a static pod on every control plane, started by the kubelet before the API exists.
 * It talks to the API with a node-local kubeconfig: during `kubeadm init` admin.conf has no
 * rights yet (Kubernetes 1.29+ binds them only after init), so the init node uses
 * super-admin.conf, which exists only there.
 */
export function kubeVipStaticPod(options: KubeVipOptions, initNode: boolean): KubeObject {
  const kubeconfig = initNode ? '/etc/kubernetes/super-admin.conf' : '/etc/kubernetes/admin.conf';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: NAME, namespace: NAMESPACE },
    spec: {
      hostNetwork: true,
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }],
      containers: [
        {
          ...container(options),
          volumeMounts: [{ name: 'kubeconfig', mountPath: '/etc/kubernetes/admin.conf' }],
        },
      ],
      volumes: [{ name: 'kubeconfig', hostPath: { path: kubeconfig } }],
    },
  };
}
