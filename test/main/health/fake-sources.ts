import type { ClusterSnapshot, NodeObservation, SmokeTestResult } from '../../../common/health';
import { ClusterWorkspace } from '../../../main/cluster';
import type { HealthSources } from '../../../main/health';
import { sampleSecrets } from '../secrets/fixtures';

/** In-memory SSH and API sides: the test pushes observations and snapshots by hand. */
export class FakeSources implements HealthSources {
  watchedNodes: string[][] = [];
  stoppedNodeWatches = 0;
  clusterWatches = 0;
  #observe: ((o: NodeObservation) => void) | null = null;
  #snapshot: ((s: ClusterSnapshot) => void) | null = null;
  logLines: string[] = [];
  fetched = '';
  smokeResult: SmokeTestResult | null = null;
  kubeconfigSeen: string[] = [];

  observe(o: NodeObservation) {
    if (!this.#observe) throw new Error('no node watch runs');
    this.#observe(o);
  }

  snapshot(s: ClusterSnapshot) {
    if (!this.#snapshot) throw new Error('no cluster watch runs');
    this.#snapshot(s);
  }

  watchNodes: HealthSources['watchNodes'] = (_target, hostnames, onObservation) => {
    this.watchedNodes.push([...hostnames]);
    this.#observe = onObservation;
    return () => {
      this.stoppedNodeWatches++;
      this.#observe = null;
    };
  };

  watchCluster: HealthSources['watchCluster'] = (kubeconfig, onSnapshot) => {
    this.clusterWatches++;
    this.kubeconfigSeen.push(kubeconfig);
    this.#snapshot = onSnapshot;
    return () => (this.#snapshot = null);
  };

  addonStatuses: HealthSources['addonStatuses'] = async (_k, addons) =>
    addons.map((addon) => ({ addon, state: 'ready' as const, detail: 'all pods ready' }));

  followLog: HealthSources['followLog'] = async (_t, hostname, onLines, signal) => {
    onLines(this.logLines.map((l) => `${hostname}: ${l}`));
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  };

  fetchedFrom: string[] = [];
  fetchKubeconfig: HealthSources['fetchKubeconfig'] = async (_t, hostname) => {
    this.fetchedFrom.push(hostname);
    return this.fetched;
  };

  smokeTest: HealthSources['smokeTest'] = async (kubeconfig, options) => {
    this.kubeconfigSeen.push(kubeconfig);
    options.onProgress('applied DaemonSet kubeflash-smoke');
    if (!this.smokeResult) throw new Error('no smoke result prepared');
    return this.smokeResult;
  };
}

/**
 * A real workspace (plan and state files, serialised state updates) whose secrets are a fixture:
 * no host keys are generated.
 */
export class SecretsFixtureWorkspace extends ClusterWorkspace {
  override secrets() {
    return sampleSecrets();
  }

  override async kubeconfig() {
    return { text: 'apiVersion: v1\nkind: Config\n# test kubeconfig\n', contextName: 'lab' };
  }
}
