export { abortableSleep } from './backoff';
export { type HealthEvents, HealthService, maxLogStreams } from './health-service';
export { buildHealthView, healthAlerts, nodeStage } from './health-view';
export { HealthWatch, type HealthWatchOptions } from './health-watch';
export { initNodeHostname } from './node-kubeconfig';
export { defaultHealthSources } from './real-sources';
export { enabledAddons, type HealthCluster, type HealthSources } from './sources';
export * from './timeline';
