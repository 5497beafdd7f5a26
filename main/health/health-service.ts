import { randomUUID } from 'node:crypto';

import { KubeflashError } from '../../common/errors';
import type { SmokeTestResult } from '../../common/health';
import type { HealthAlert, HealthLogEvent, HealthView } from '../../common/health-view';
import type { ClusterWorkspace, KubeconfigDestination } from '../cluster';
import { HealthWatch } from './health-watch';
import { initNodeHostname } from './node-kubeconfig';
import type { HealthCluster, HealthSources } from './sources';

export interface HealthEvents {
  healthChanged(view: HealthView): void;
  healthAlert(alert: HealthAlert): void;
  healthLog(event: HealthLogEvent): void;
  smokeTestProgress(event: { path: string; message: string }): void;
}

export interface HealthServiceOptions {
  workspace: ClusterWorkspace;
  sources: HealthSources;
  events: HealthEvents;
  now?: () => Date;
  log?: (message: string) => void;
  refreshMs?: number;
}

/** Live log streams at once, over all clusters: each holds an SSH connection. */
export const maxLogStreams = 8;
const defaultSmokeTestSeconds = 300;

/**
 * The health watches of one backend (flow 6): one watch per cluster file however many windows
 * ask, live log streams by id, and the one-shot actions (smoke test, fetch the kubeconfig).
 */
export class HealthService {
  readonly #watches = new Map<string, Promise<HealthWatch>>();
  readonly #logs = new Map<string, AbortController>();

  constructor(private readonly options: HealthServiceOptions) {}

  async start(path: string): Promise<HealthView> {
    let watch = this.#watches.get(path);
    if (!watch) {
      watch = HealthWatch.start({
        path,
        workspace: this.options.workspace,
        sources: this.options.sources,
        onView: (view) => this.options.events.healthChanged(view),
        onAlert: (alert) => this.options.events.healthAlert(alert),
        now: this.options.now,
        refreshMs: this.options.refreshMs,
        log: this.options.log,
      });
      this.#watches.set(path, watch);
      watch.catch(() => this.#watches.delete(path));
    }
    return (await watch).view();
  }

  /** The watch's latest view; a clear error when none runs. */
  async view(path: string): Promise<HealthView> {
    const watch = this.#watches.get(path);
    if (!watch) {
      throw new KubeflashError(
        'not-found',
        `No health watch runs for ${path}: start one first`,
        path,
      );
    }
    return (await watch).view();
  }

  async stop(path: string): Promise<{ stopped: boolean }> {
    const watch = this.#watches.get(path);
    if (!watch) return { stopped: false };
    this.#watches.delete(path);
    const running = await watch;
    running.stop();
    await running.settled();
    return { stopped: true };
  }

  async followLog(path: string, hostname: string): Promise<{ streamId: string }> {
    if (this.#logs.size >= maxLogStreams) {
      throw new KubeflashError(
        'unavailable',
        `${maxLogStreams} node logs are followed already: close one first`,
      );
    }
    const target = await this.#target(path);
    if (!target.cluster.spec.nodes.some((n) => n.hostname === hostname)) {
      throw new KubeflashError('not-found', `No node named ${hostname} in ${path}`, hostname);
    }
    const streamId = randomUUID();
    const controller = new AbortController();
    this.#logs.set(streamId, controller);
    const emit = (lines: string[], end?: { error: string | null }) =>
      this.options.events.healthLog({
        streamId,
        hostname,
        lines,
        ended: Boolean(end),
        error: end?.error ?? null,
      });
    void this.options.sources
      .followLog(target, hostname, (lines) => emit(lines), controller.signal)
      .then(
        () => emit([], { error: null }),
        (error: unknown) => emit([], { error: messageOf(error) }),
      )
      .finally(() => this.#logs.delete(streamId));
    return { streamId };
  }

  stopLog(streamId: string): { stopped: boolean } {
    const controller = this.#logs.get(streamId);
    controller?.abort();
    return { stopped: Boolean(controller) };
  }

  async smokeTest(
    path: string,
    timeoutSeconds = defaultSmokeTestSeconds,
  ): Promise<SmokeTestResult> {
    this.options.workspace.secrets(path);
    const { text } = await this.options.workspace.kubeconfig(path);
    return this.options.sources.smokeTest(text, {
      timeoutMs: timeoutSeconds * 1000,
      onProgress: (message) => this.options.events.smokeTestProgress({ path, message }),
    });
  }

  /** The fallback when the user has no kubeconfig: the init node's own, pointed at the endpoint. */
  async fetchKubeconfig(path: string, destination: KubeconfigDestination, contextName?: string) {
    const target = await this.#target(path);
    const hostname = initNodeHostname(target.cluster);
    const text = await this.options.sources.fetchKubeconfig(target, hostname);
    return this.options.workspace.storeKubeconfig(
      text,
      destination,
      contextName ?? target.cluster.metadata.name,
    );
  }

  stopAll(): void {
    for (const controller of this.#logs.values()) controller.abort();
    for (const path of [...this.#watches.keys()]) void this.stop(path).catch(() => {});
  }

  async #target(path: string): Promise<HealthCluster> {
    const secrets = this.options.workspace.secrets(path);
    const { cluster } = await this.options.workspace.view(path);
    return { path, cluster, secrets };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
