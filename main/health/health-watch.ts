import type { Cluster, ClusterState } from '../../common/cluster';
import type {
  AddonStatus,
  ClusterSnapshot,
  ClusterTimeline,
  NodeObservation,
} from '../../common/health';
import type { HealthAlert, HealthView } from '../../common/health-view';
import type { ClusterWorkspace } from '../cluster';
import { buildHealthView, healthAlerts, viewSignature } from './health-view';
import { enabledAddons, type HealthSources, type StopWatching } from './sources';
import { emptyTimeline, recordFlashState, recordObservation, recordSnapshot } from './timeline';

export type HealthWorkspace = Pick<
  ClusterWorkspace,
  'view' | 'secrets' | 'kubeconfig' | 'updateTimeline'
>;

export interface HealthWatchOptions {
  path: string;
  workspace: HealthWorkspace;
  sources: HealthSources;
  onView(view: HealthView): void;
  onAlert(alert: HealthAlert): void;
  now?: () => Date;
  /** How often plan and state are re-read, so newly flashed nodes join the watch. */
  refreshMs?: number;
  /** How often add-on status is asked while the API answers. */
  addonsMs?: number;
  log?: (message: string) => void;
}

type TimelineChange = (timeline: ClusterTimeline) => ClusterTimeline;

/**
 * Watches one cluster come up (flow 6): its flashed nodes over SSH, its API with the generated
 * kubeconfig; merges both with plan and state into a HealthView, raises alerts, and keeps the
 * timeline in the state file (written only when something happened for the first time).
 */
export class HealthWatch {
  #cluster: Cluster;
  #state: ClusterState;
  #timeline: ClusterTimeline;
  readonly #observations = new Map<string, NodeObservation>();
  #snapshot: ClusterSnapshot | null = null;
  #addons: AddonStatus[] = [];
  #view: HealthView | null = null;
  #signature = '';
  #watching = true;
  #watched = '';
  #stopNodes: StopWatching = () => {};
  #stopCluster: StopWatching = () => {};
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #persisting: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly options: HealthWatchOptions,
    cluster: Cluster,
    state: ClusterState,
    private readonly kubeconfig: string,
  ) {
    this.#cluster = cluster;
    this.#state = state;
    this.#timeline = state.timeline ?? emptyTimeline();
  }

  /** Fails with a clear error while the secrets are locked (host keys and admin key are in them). */
  static async start(options: HealthWatchOptions): Promise<HealthWatch> {
    const { path, workspace } = options;
    const view = await workspace.view(path);
    workspace.secrets(path);
    const { text } = await workspace.kubeconfig(path);
    const watch = new HealthWatch(options, view.cluster, view.state, text);
    watch.#begin();
    return watch;
  }

  view(): HealthView {
    return this.#view ?? this.#publish();
  }

  /** Waits for timeline writes in flight (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#persisting;
  }

  stop(): void {
    if (!this.#watching) return;
    this.#watching = false;
    for (const timer of this.#timers) clearInterval(timer);
    this.#stopNodes();
    this.#stopCluster();
    this.#publish();
  }

  #begin() {
    const { sources } = this.options;
    this.#record((t) => recordFlashState(t, this.#state));
    this.#watchFlashedNodes();
    this.#stopCluster = sources.watchCluster(this.kubeconfig, (snapshot) => {
      if (!this.#watching) return;
      this.#snapshot = snapshot;
      const planned = this.#cluster.spec.nodes.map((n) => n.hostname);
      this.#record((t) => recordSnapshot(t, snapshot, planned));
      this.#publish();
    });
    this.#every(this.options.refreshMs ?? 5_000, () => this.#refresh());
    this.#every(this.options.addonsMs ?? 15_000, () => this.#askAddons());
    this.#publish();
  }

  #every(ms: number, task: () => Promise<void>) {
    let running = false;
    const timer = setInterval(() => {
      if (running || !this.#watching) return; // never two rounds at once
      running = true;
      task()
        .catch((error: unknown) => this.#log(error))
        .finally(() => (running = false));
    }, ms);
    timer.unref?.();
    this.#timers.push(timer);
  }

  /** (Re)starts the SSH watch when the set of flashed nodes changed. */
  #watchFlashedNodes() {
    const hostnames = this.#cluster.spec.nodes
      .map((n) => n.hostname)
      .filter((h) => this.#state.nodes[h]?.status === 'flashed');
    const key = hostnames.join('\n');
    if (key === this.#watched) return;
    this.#watched = key;
    this.#stopNodes();
    for (const name of this.#observations.keys())
      if (!hostnames.includes(name)) this.#observations.delete(name);
    if (hostnames.length === 0) {
      this.#stopNodes = () => {};
      return;
    }
    const { path, workspace } = this.options;
    const target = { path, cluster: this.#cluster, secrets: workspace.secrets(path) };
    this.#stopNodes = this.options.sources.watchNodes(target, hostnames, (observation) => {
      if (!this.#watching) return;
      this.#observations.set(observation.hostname, observation);
      this.#record((t) => recordObservation(t, observation));
      this.#publish();
    });
  }

  async #refresh() {
    const view = await this.options.workspace.view(this.options.path);
    this.#cluster = view.cluster;
    this.#state = view.state;
    this.#record((t) => recordFlashState(t, view.state));
    this.#watchFlashedNodes();
    this.#publish();
  }

  async #askAddons() {
    const addons = enabledAddons(this.#cluster);
    if (addons.length === 0 || this.#snapshot?.api !== 'connected') return;
    this.#addons = await this.options.sources.addonStatuses(this.kubeconfig, addons);
    this.#publish();
  }

  /**
   * Apply a timeline change in memory and, only when it recorded something new, to the state
   * file too — through the workspace's serialised updates, so flash results are never lost.
   */
  #record(change: TimelineChange) {
    const next = change(this.#timeline);
    if (next === this.#timeline) return;
    this.#timeline = next;
    this.#persisting = this.#persisting
      .then(() => this.options.workspace.updateTimeline(this.options.path, (t) => change(t)))
      .then((state) => {
        if (state.timeline) this.#timeline = state.timeline;
      })
      .catch((error: unknown) => this.#log(error));
  }

  #publish(): HealthView {
    const view = buildHealthView({
      path: this.options.path,
      cluster: this.#cluster,
      state: this.#state,
      timeline: this.#timeline,
      observations: this.#observations,
      snapshot: this.#snapshot,
      addons: this.#addons,
      watching: this.#watching,
      now: this.options.now?.() ?? new Date(),
    });
    const signature = viewSignature(view);
    const previous = this.#view;
    this.#view = view;
    if (signature === this.#signature) return view;
    this.#signature = signature;
    this.options.onView(view);
    for (const alert of healthAlerts(previous, view)) this.options.onAlert(alert);
    return view;
  }

  #log(error: unknown) {
    this.options.log?.(
      `health watch of ${this.options.path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
