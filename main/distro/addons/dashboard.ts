import { addonImages } from '../../../common/cluster';
import { binding, type KubeObject, namespace, rule, serviceAccount } from './manifest';

const NS = 'kubernetes-dashboard';
const APP = 'k8s-app';

/**
 * kubernetes-dashboard v2.7.0 as its recommended.yaml: the dashboard (self-signed HTTPS on
 * 8443, ClusterIP only: reach it with `kubectl proxy` or port-forward) and the metrics scraper.
 * No admin account is created: log in with a token of an account you choose
 * (`kubectl -n kubernetes-dashboard create token …`).
 */
export function dashboardManifest(): KubeObject[] {
  const account = { name: 'kubernetes-dashboard', namespace: NS };
  const labels = { [APP]: 'kubernetes-dashboard' };
  const scraperLabels = { [APP]: 'dashboard-metrics-scraper' };
  const secret = (name: string, extra: object = {}): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: NS, labels },
    type: 'Opaque',
    ...extra,
  });
  return [
    namespace(NS),
    { ...serviceAccount('kubernetes-dashboard', NS), metadata: { ...account, labels } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes-dashboard', namespace: NS, labels },
      spec: { ports: [{ port: 443, targetPort: 8443 }], selector: labels },
    },
    secret('kubernetes-dashboard-certs'),
    secret('kubernetes-dashboard-csrf', { data: { csrf: '' } }),
    secret('kubernetes-dashboard-key-holder'),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kubernetes-dashboard-settings', namespace: NS, labels },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'kubernetes-dashboard', namespace: NS, labels },
      rules: [
        rule(
          [''],
          ['secrets'],
          ['get', 'update', 'delete'],
          [
            'kubernetes-dashboard-key-holder',
            'kubernetes-dashboard-certs',
            'kubernetes-dashboard-csrf',
          ],
        ),
        rule([''], ['configmaps'], ['get', 'update'], ['kubernetes-dashboard-settings']),
        rule([''], ['services'], ['proxy'], ['heapster', 'dashboard-metrics-scraper']),
        rule(
          [''],
          ['services/proxy'],
          ['get'],
          [
            'heapster',
            'http:heapster:',
            'https:heapster:',
            'dashboard-metrics-scraper',
            'http:dashboard-metrics-scraper',
          ],
        ),
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'kubernetes-dashboard', labels },
      rules: [rule(['metrics.k8s.io'], ['pods', 'nodes'], ['get', 'list', 'watch'])],
    },
    binding('RoleBinding', 'kubernetes-dashboard', 'kubernetes-dashboard', account),
    binding('ClusterRoleBinding', 'kubernetes-dashboard', 'kubernetes-dashboard', account),
    deployment('kubernetes-dashboard', labels, {
      container: {
        name: 'kubernetes-dashboard',
        image: addonImages.kubernetesDashboard,
        imagePullPolicy: 'IfNotPresent',
        ports: [{ containerPort: 8443, protocol: 'TCP' }],
        args: ['--auto-generate-certificates', `--namespace=${NS}`],
        volumeMounts: [
          { name: 'kubernetes-dashboard-certs', mountPath: '/certs' },
          { name: 'tmp-volume', mountPath: '/tmp' },
        ],
        livenessProbe: {
          httpGet: { scheme: 'HTTPS', path: '/', port: 8443 },
          initialDelaySeconds: 30,
          timeoutSeconds: 30,
        },
      },
      volumes: [
        {
          name: 'kubernetes-dashboard-certs',
          secret: { secretName: 'kubernetes-dashboard-certs' },
        },
        { name: 'tmp-volume', emptyDir: {} },
      ],
    }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dashboard-metrics-scraper', namespace: NS, labels: scraperLabels },
      spec: { ports: [{ port: 8000, targetPort: 8000 }], selector: scraperLabels },
    },
    deployment('dashboard-metrics-scraper', scraperLabels, {
      container: {
        name: 'dashboard-metrics-scraper',
        image: addonImages.dashboardMetricsScraper,
        ports: [{ containerPort: 8000, protocol: 'TCP' }],
        livenessProbe: {
          httpGet: { scheme: 'HTTP', path: '/', port: 8000 },
          initialDelaySeconds: 30,
          timeoutSeconds: 30,
        },
        volumeMounts: [{ name: 'tmp-volume', mountPath: '/tmp' }],
      },
      volumes: [{ name: 'tmp-volume', emptyDir: {} }],
    }),
  ];
}

const hardened = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsUser: 1001,
  runAsGroup: 2001,
};

/**
 * One of the two Deployments, as recommended.yaml writes both: one replica on Linux nodes
 * (control planes tolerated), the dashboard's account, RuntimeDefault seccomp and the
 * hardened container security context.
 */
function deployment(
  name: string,
  labels: Record<string, string>,
  { container, volumes }: { container: Record<string, unknown>; volumes: object[] },
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS, labels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          serviceAccountName: 'kubernetes-dashboard',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
          containers: [{ ...container, securityContext: hardened }],
          volumes,
        },
      },
    },
  };
}
