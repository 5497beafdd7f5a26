/**
 * Realistic Kubernetes objects and discovery documents for the test API server: shaped as a
 * kubelet and kube-apiserver (v1.31) report them, so clients (client-node, kubectl) parse them
 * exactly as they parse a real cluster's.
 */

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
};

export type NodeRole = 'control-plane' | 'worker';

export interface NodeSpec {
  role?: NodeRole;
  ready?: boolean;
  architecture?: string;
  internalIP?: string;
  unschedulable?: boolean;
  kubeletVersion?: string;
  osImage?: string;
}

export const CONTROL_PLANE_TAINT = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule',
} as const;

export function nodeObject(name: string, spec: NodeSpec, now: Date): KubeObject {
  const role = spec.role ?? 'worker';
  const architecture = spec.architecture ?? 'arm64';
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': architecture,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': architecture,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': 'linux',
  };
  if (role === 'control-plane') labels['node-role.kubernetes.io/control-plane'] = '';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } },
    spec: {
      podCIDR: '10.244.0.0/24',
      ...(spec.unschedulable ? { unschedulable: true } : {}),
      ...(role === 'control-plane' ? { taints: [CONTROL_PLANE_TAINT] } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: spec.internalIP ?? '198.18.0.10' },
        { type: 'Hostname', address: name },
      ],
      allocatable: { cpu: '4', memory: '3880008Ki', pods: '110' },
      capacity: { cpu: '4', memory: '3982408Ki', pods: '110' },
      conditions: nodeConditions(spec.ready ?? false, now),
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture,
        bootID: '6f1a7c2e-0d1b-4c55-9a7d-3e1d2b0c9f10',
        containerRuntimeVersion: 'containerd://1.7.22',
        kernelVersion: '6.6.51+rpt-rpi-v8',
        kubeProxyVersion: spec.kubeletVersion ?? 'v1.31.4',
        kubeletVersion: spec.kubeletVersion ?? 'v1.31.4',
        machineID: '0c8b5e5f2f0a4f7d9d3e1b2a3c4d5e6f',
        operatingSystem: 'linux',
        osImage: spec.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '0c8b5e5f2f0a4f7d9d3e1b2a3c4d5e6f',
      },
    },
  };
}

/** The four conditions a kubelet reports; only Ready changes in these tests. */
export function nodeConditions(ready: boolean, now: Date): object[] {
  const at = now.toISOString();
  const pressure = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    lastHeartbeatTime: at,
    lastTransitionTime: at,
    reason,
    message,
  });
  return [
    pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory'),
    pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    ready
      ? {
          type: 'Ready',
          status: 'True',
          lastHeartbeatTime: at,
          lastTransitionTime: at,
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        }
      : {
          type: 'Ready',
          status: 'Unknown',
          lastHeartbeatTime: at,
          lastTransitionTime: at,
          reason: 'NodeStatusUnknown',
          message: 'Kubelet stopped posting node status.',
        },
  ];
}

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

export interface PodSpec {
  namespace: string;
  name: string;
  node?: string;
  phase?: PodPhase;
  ready?: boolean;
  restarts?: number;
  image?: string;
  /** Why a Pending or Failed pod is so (ImagePullBackOff, Error, …). */
  reason?: string;
  message?: string;
  labels?: Record<string, string>;
  ownerReferences?: object[];
}

export function podObject(spec: PodSpec, now: Date): KubeObject {
  const image = spec.image ?? 'registry.k8s.io/pause:3.10';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: spec.namespace,
      labels: spec.labels ?? {},
      ...(spec.ownerReferences ? { ownerReferences: spec.ownerReferences } : {}),
    },
    spec: {
      containers: [{ name: 'main', image }],
      ...(spec.node ? { nodeName: spec.node } : {}),
      restartPolicy: 'Always',
    },
    status: podStatus(spec, image, now),
  };
}

export function podStatus(spec: PodSpec, image: string, now: Date): object {
  const phase = spec.phase ?? 'Pending';
  const ready = spec.ready ?? phase === 'Running';
  const at = now.toISOString();
  const state =
    phase === 'Running'
      ? { running: { startedAt: at } }
      : phase === 'Failed' || phase === 'Succeeded'
        ? {
            terminated: {
              exitCode: phase === 'Failed' ? 1 : 0,
              reason: spec.reason ?? (phase === 'Failed' ? 'Error' : 'Completed'),
              ...(spec.message ? { message: spec.message } : {}),
              startedAt: at,
              finishedAt: at,
            },
          }
        : {
            waiting: {
              reason: spec.reason ?? 'ContainerCreating',
              ...(spec.message ? { message: spec.message } : {}),
            },
          };
  return {
    phase,
    conditions: [
      { type: 'PodScheduled', status: spec.node ? 'True' : 'False', lastTransitionTime: at },
      { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: at },
    ],
    ...(phase === 'Failed' && spec.message ? { message: spec.message } : {}),
    ...(phase === 'Failed' && spec.reason ? { reason: spec.reason } : {}),
    containerStatuses: [
      {
        name: 'main',
        image,
        imageID: '',
        ready,
        restartCount: spec.restarts ?? 0,
        started: phase === 'Running',
        state,
      },
    ],
    ...(phase === 'Running' ? { startTime: at } : {}),
  };
}

export interface WarningEventSpec {
  namespace?: string;
  kind?: string;
  objectName: string;
  reason: string;
  message: string;
  count?: number;
}

export function warningEventObject(name: string, spec: WarningEventSpec, now: Date): KubeObject {
  const namespace = spec.namespace ?? 'kube-system';
  const at = now.toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace },
    involvedObject: {
      kind: spec.kind ?? 'Pod',
      name: spec.objectName,
      ...(spec.kind === 'Node' ? {} : { namespace }),
      apiVersion: 'v1',
    },
    reason: spec.reason,
    message: spec.message,
    source: { component: 'kubelet' },
    firstTimestamp: at,
    lastTimestamp: at,
    count: spec.count ?? 1,
    type: 'Warning',
    eventTime: null,
    reportingComponent: 'kubelet',
    reportingInstance: '',
  };
}

export interface DeploymentSpec {
  namespace: string;
  name: string;
  replicas?: number;
  readyReplicas?: number;
}

export function deploymentObject(spec: DeploymentSpec): KubeObject {
  const replicas = spec.replicas ?? 1;
  const ready = spec.readyReplicas ?? replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: spec.namespace, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: spec.name } },
      template: { metadata: { labels: { app: spec.name } }, spec: { containers: [] } },
    },
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        {
          type: 'Available',
          status: ready >= replicas ? 'True' : 'False',
          reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message:
            ready >= replicas
              ? 'Deployment has minimum availability.'
              : 'Deployment does not have minimum availability.',
        },
      ],
    },
  };
}

export function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export interface ResourceType {
  /** Plural, as in the URL. */
  name: string;
  group: '' | 'apps';
  kind: string;
  singularName: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
}

export const resourceTypes: readonly ResourceType[] = [
  {
    name: 'nodes',
    group: '',
    kind: 'Node',
    singularName: 'node',
    namespaced: false,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['no'],
  },
  {
    name: 'namespaces',
    group: '',
    kind: 'Namespace',
    singularName: 'namespace',
    namespaced: false,
    verbs: ['create', 'get', 'list', 'watch'],
    shortNames: ['ns'],
  },
  {
    name: 'pods',
    group: '',
    kind: 'Pod',
    singularName: 'pod',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['po'],
  },
  {
    name: 'events',
    group: '',
    kind: 'Event',
    singularName: 'event',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['ev'],
  },
  {
    name: 'secrets',
    group: '',
    kind: 'Secret',
    singularName: 'secret',
    namespaced: true,
    verbs: ['create', 'get', 'list', 'watch'],
  },
  {
    name: 'daemonsets',
    group: 'apps',
    kind: 'DaemonSet',
    singularName: 'daemonset',
    namespaced: true,
    verbs: ['create', 'delete', 'get', 'list', 'watch'],
    shortNames: ['ds'],
  },
  {
    name: 'deployments',
    group: 'apps',
    kind: 'Deployment',
    singularName: 'deployment',
    namespaced: true,
    verbs: ['get', 'list', 'watch'],
    shortNames: ['deploy'],
  },
];

export function apiResourceList(group: '' | 'apps'): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? 'v1' : `${group}/v1`,
    resources: resourceTypes
      .filter((r) => r.group === group)
      .map((r) => ({
        name: r.name,
        singularName: r.singularName,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: r.verbs,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      })),
  };
}

export function apiGroupList(): object {
  const apps = { groupVersion: 'apps/v1', version: 'v1' };
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [{ name: 'apps', versions: [apps], preferredVersion: apps }],
  };
}

export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export const versionInfo = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.4',
  gitCommit: 'a78aa47129b8539636eb86a9d00e31b2720fe06b',
  gitTreeState: 'clean',
  buildDate: '2024-12-10T18:05:06Z',
  goVersion: 'go1.22.9',
  compiler: 'gc',
  platform: 'linux/arm64',
};

export function statusObject(code: number, reason: string, message: string): object {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
}
