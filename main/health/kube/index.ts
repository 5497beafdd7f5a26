// The Kubernetes side of watching a cluster come up (flow 6): the cluster view through the
// plan's kubeconfig, the smoke test and add-on status. Plain TypeScript on client-node.
export { addonStatuses, type AddonWorkload, addonWorkloads } from './addon-status';
export { type ApiFailure, classifyApiError } from './api-error';
export { ClusterWatch, type ClusterWatchOptions, watchCluster } from './cluster-watch';
export { DEFAULT_REQUEST_TIMEOUT_MS, type KubeClient, openKubeClient } from './kube-client';
export { toKubeEvent, toKubeNode, toKubePod } from './map-objects';
export {
  runSmokeTest,
  type RunSmokeTestOptions,
  SMOKE_TEST_IMAGE,
  SMOKE_TEST_NAMESPACE,
} from './smoke-test';
