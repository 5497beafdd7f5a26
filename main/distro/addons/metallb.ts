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
import { metallbCrds } from './metallb-crds';

const NS = 'metallb-system';
export const METALLB_POOL_NAME = 'kubeflash-pool';

const metallbRules = (resources: string[], verbs = readOnly) =>
  rule(['metallb.io'], resources, verbs);
const watchedKinds = [
  'ipaddresspools',
  'l2advertisements',
  'bgppeers',
  'bgpadvertisements',
  'bfdprofiles',
  'communities',
];

/**
 * MetalLB in Layer 2 mode, the objects of metallb-native.yaml for the pinned release, with two
 * deliberate cuts: the CRDs are abbreviated (metallb-crds.ts), and the controller runs with
 * `--webhook-mode=disabled`, so there is no validating webhook, its Service, certificate Secret
 * or cert rotation; the controller still rejects an invalid pool when it reconciles.
 * The controller creates the `memberlist` Secret the speakers share on first start.
 */
export function metallbManifest(): KubeObject[] {
  const probe = {
    httpGet: { path: '/metrics', port: 'monitoring' },
    initialDelaySeconds: 10,
    periodSeconds: 10,
    failureThreshold: 3,
  };
  return [
    namespace(NS, {
      'pod-security.kubernetes.io/enforce': 'privileged',
      'pod-security.kubernetes.io/audit': 'privileged',
      'pod-security.kubernetes.io/warn': 'privileged',
    }),
    ...metallbCrds(),
    serviceAccount('controller', NS),
    serviceAccount('speaker', NS),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'metallb-system:controller' },
      rules: [
        rule([''], ['services', 'namespaces'], readOnly),
        rule([''], ['nodes'], ['list']),
        rule([''], ['services/status'], ['update']),
        rule([''], ['events'], ['create', 'patch']),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'metallb-system:speaker' },
      rules: [
        rule([''], ['services', 'endpoints', 'nodes', 'namespaces'], readOnly),
        rule(['discovery.k8s.io'], ['endpointslices'], readOnly),
        rule([''], ['events'], ['create', 'patch']),
        metallbRules(
          [
            'servicel2statuses',
            'servicel2statuses/status',
            'servicebgpstatuses',
            'servicebgpstatuses/status',
          ],
          ['*'],
        ),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'controller', namespace: NS },
      rules: [
        rule([''], ['secrets'], ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
        rule(['apps'], ['deployments'], ['get'], ['controller']),
        metallbRules(watchedKinds),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-lister', namespace: NS },
      rules: [
        rule([''], ['pods'], ['list', 'get']),
        rule([''], ['secrets', 'configmaps'], readOnly),
        metallbRules(watchedKinds),
      ],
    },
    binding('ClusterRoleBinding', 'metallb-system:controller', 'metallb-system:controller', {
      name: 'controller',
      namespace: NS,
    }),
    binding('ClusterRoleBinding', 'metallb-system:speaker', 'metallb-system:speaker', {
      name: 'speaker',
      namespace: NS,
    }),
    binding('RoleBinding', 'controller', 'controller', { name: 'controller', namespace: NS }),
    binding('RoleBinding', 'pod-lister', 'pod-lister', { name: 'speaker', namespace: NS }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'controller',
        namespace: NS,
        labels: { app: 'metallb', component: 'controller' },
      },
      spec: {
        revisionHistoryLimit: 3,
        selector: { matchLabels: { app: 'metallb', component: 'controller' } },
        template: {
          metadata: { labels: { app: 'metallb', component: 'controller' } },
          spec: {
            serviceAccountName: 'controller',
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
            terminationGracePeriodSeconds: 0,
            containers: [
              {
                name: 'controller',
                image: addonImages.metallbController,
                args: ['--port=7472', '--log-level=info', '--webhook-mode=disabled'],
                env: [
                  { name: 'METALLB_ML_SECRET_NAME', value: 'memberlist' },
                  { name: 'METALLB_DEPLOYMENT', value: 'controller' },
                ],
                ports: [{ name: 'monitoring', containerPort: 7472 }],
                livenessProbe: probe,
                readinessProbe: probe,
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: {
        name: 'speaker',
        namespace: NS,
        labels: { app: 'metallb', component: 'speaker' },
      },
      spec: {
        selector: { matchLabels: { app: 'metallb', component: 'speaker' } },
        template: {
          metadata: { labels: { app: 'metallb', component: 'speaker' } },
          spec: {
            serviceAccountName: 'speaker',
            hostNetwork: true,
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: tolerateEverything,
            terminationGracePeriodSeconds: 2,
            containers: [
              {
                name: 'speaker',
                image: addonImages.metallbSpeaker,
                args: ['--port=7472', '--log-level=info'],
                env: [
                  {
                    name: 'METALLB_NODE_NAME',
                    valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } },
                  },
                  { name: 'METALLB_HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
                  {
                    name: 'METALLB_ML_BIND_ADDR',
                    valueFrom: { fieldRef: { fieldPath: 'status.podIP' } },
                  },
                  { name: 'METALLB_ML_LABELS', value: 'app=metallb,component=speaker' },
                  { name: 'METALLB_ML_SECRET_KEY_PATH', value: '/etc/ml_secret_key' },
                ],
                ports: [
                  { name: 'monitoring', containerPort: 7472 },
                  { name: 'memberlist-tcp', containerPort: 7946 },
                  { name: 'memberlist-udp', containerPort: 7946, protocol: 'UDP' },
                ],
                livenessProbe: probe,
                readinessProbe: probe,
                securityContext: {
                  allowPrivilegeEscalation: false,
                  capabilities: { add: ['NET_RAW'], drop: ['ALL'] },
                  readOnlyRootFilesystem: true,
                },
                volumeMounts: [
                  { name: 'memberlist', mountPath: '/etc/ml_secret_key', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'memberlist', secret: { secretName: 'memberlist', defaultMode: 0o644 } },
            ],
          },
        },
      },
    },
  ];
}

/**
 * The plan's address pool, announced in Layer 2 mode. A separate file from metallbManifest():
 * these objects can be created only once the CRDs are established, so whoever applies them
 * retries until they are accepted.
 */
export function metallbPoolManifest(addresses: string): KubeObject[] {
  return [
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: METALLB_POOL_NAME, namespace: NS },
      spec: { addresses: [addresses] },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name: METALLB_POOL_NAME, namespace: NS },
      spec: { ipAddressPools: [METALLB_POOL_NAME] },
    },
  ];
}
