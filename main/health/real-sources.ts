import { addonStatuses, runSmokeTest, watchCluster } from './kube';
import { watchNodes } from './probe';
import type { HealthSources } from './sources';
import { fetchKubeconfigFromNode, followBootstrapLog, nodeTargetFromPlan } from './ssh';

/**
 * The health watch's sources in the app, the web server and the CLI, bound to the SSH side
 * (main/health/ssh, main/health/probe) and the Kubernetes side (main/health/kube).
 */
export function defaultHealthSources(): HealthSources {
  return {
    watchNodes: (target, hostnames, onObservation) =>
      watchNodes(target.cluster, target.secrets, hostnames, onObservation),
    watchCluster: (kubeconfig, onSnapshot) => watchCluster(kubeconfig, onSnapshot),
    addonStatuses: (kubeconfig, addons) => addonStatuses(kubeconfig, addons),
    smokeTest: (kubeconfig, options) => runSmokeTest(kubeconfig, options),
    followLog: async ({ cluster, secrets }, hostname, onLines, signal) => {
      const { target, credentials } = nodeTargetFromPlan(cluster, secrets, hostname);
      await followBootstrapLog(target, credentials, onLines, signal);
    },
    fetchKubeconfig: async ({ cluster, secrets }, hostname) => {
      const { target, credentials } = nodeTargetFromPlan(cluster, secrets, hostname);
      const { distribution, controlPlane } = cluster.spec;
      return fetchKubeconfigFromNode(target, credentials, distribution.name, {
        host: controlPlane.endpoint,
        port: controlPlane.port,
      });
    },
  };
}
