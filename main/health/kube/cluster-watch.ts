import type { CoreV1Event, KubernetesObject, V1Node, V1Pod } from '@kubernetes/client-node';

import type { ApiState, ClusterSnapshot } from '../../../common/health';
import { apiBackoff, type BackoffPolicy } from '../backoff';
import { classifyApiError } from './api-error';
import { type KubeClient, openKubeClient } from './kube-client';
import { toKubeEvent, toKubeNode, toKubePod } from './map-objects';
import { Reflector, type ReflectorStatus } from './reflector';

export interface ClusterWatchOptions {
  /** Changes within this window become one snapshot. */
  debounceMs?: number;
  requestTimeoutMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** The server ends each watch after this long; it is resumed from its resourceVersion. */
  watchTimeoutSeconds?: number;
  /** A watch silent for this long (no event, no bookmark) is dropped and resumed. */
  idleTimeoutMs?: number;
  /** How often a cheap request checks that the API (or the VIP) still answers. */
  heartbeatMs?: number;
  /** Warning events kept, newest first. */
  maxWarnings?: number;
  now?: () => Date;
}

const DEFAULTS = {
  debounceMs: 200,
  watchTimeoutSeconds: 240,
  idleTimeoutMs: 300_000,
  heartbeatMs: 20_000,
  maxWarnings: 50,
};

/** Warning events kept in memory; the oldest go first. */
const MAX_STORED_EVENTS = 1000;

type Source = 'nodes' | 'pods' | 'events' | 'heartbeat';

/**
 * The cluster as its API shows it, kept current by list+watch on nodes, kube-system pods and
 * Warning events through the plan's kubeconfig, used unchanged. Watches resume after the API
 * or the VIP disappears; the API state says when it is unreachable or refuses the credentials.
 */
export class ClusterWatch {
  readonly #client: KubeClient;
  readonly #options: Required<Omit<ClusterWatchOptions, 'requestTimeoutMs'>>;
  readonly #onSnapshot: (snapshot: ClusterSnapshot) => void;
  readonly #nodes = new Map<string, V1Node>();
  readonly #pods = new Map<string, V1Pod>();
  readonly #events = new Map<string, CoreV1Event>();
  readonly #status = new Map<Source, ReflectorStatus>();
  readonly #reflectors: Reflector<KubernetesObject>[];
  #emitTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeat: AbortController | undefined;
  #started = false;
  #stopped = false;

  constructor(
    kubeconfig: string,
    onSnapshot: (snapshot: ClusterSnapshot) => void,
    options: ClusterWatchOptions = {},
  ) {
    this.#client = openKubeClient(kubeconfig, { requestTimeoutMs: options.requestTimeoutMs });
    this.#onSnapshot = onSnapshot;
    this.#options = {
      ...DEFAULTS,
      backoff: apiBackoff,
      now: () => new Date(),
      ...definedOnly(options),
    };
    const client = this.#client;
    const common = {
      server: client.server,
      watch: client.watch,
      watchTimeoutSeconds: this.#options.watchTimeoutSeconds,
      idleTimeoutMs: this.#options.idleTimeoutMs,
      backoff: { ...apiBackoff, ...this.#options.backoff },
    };
    const nodes = new Reflector<V1Node>({
      ...common,
      path: '/api/v1/nodes',
      list: async (signal) => listed(await client.core.listNode({}, client.options(signal))),
      ...this.#mirror('nodes', this.#nodes),
    });
    const pods = new Reflector<V1Pod>({
      ...common,
      path: '/api/v1/namespaces/kube-system/pods',
      list: async (signal) =>
        listed(
          await client.core.listNamespacedPod({ namespace: 'kube-system' }, client.options(signal)),
        ),
      ...this.#mirror('pods', this.#pods),
    });
    const events = new Reflector<CoreV1Event>({
      ...common,
      path: '/api/v1/events',
      fieldSelector: 'type=Warning',
      list: async (signal) =>
        listed(
          await client.core.listEventForAllNamespaces(
            { fieldSelector: 'type=Warning' },
            client.options(signal),
          ),
        ),
      ...this.#mirror('events', this.#events, (store) => pruneOldest(store, MAX_STORED_EVENTS)),
    });
    this.#reflectors = [nodes, pods, events] as Reflector<KubernetesObject>[];
  }

  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    for (const reflector of this.#reflectors) reflector.start();
    this.#scheduleHeartbeat();
    this.#changed();
  }

  /** Ends every watch, request and timer; no snapshot follows. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#emitTimer);
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeat?.abort();
    await Promise.all(this.#reflectors.map((reflector) => reflector.stop()));
    this.#client.close();
  }

  /** The resourceVersion each watch would resume from (for diagnostics and tests). */
  resourceVersions(): { nodes: string; pods: string; events: string } {
    const [nodes, pods, events] = this.#reflectors.map((r) => r.resourceVersion);
    return { nodes: nodes ?? '', pods: pods ?? '', events: events ?? '' };
  }

  snapshot(): ClusterSnapshot {
    const { api, apiError } = this.#apiState();
    const warnings = [...this.#events.values()]
      .filter((event) => event.type === 'Warning')
      .map(toKubeEvent)
      .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
      .slice(0, this.#options.maxWarnings);
    return {
      api,
      apiError,
      observedAt: this.#options.now().toISOString(),
      nodes: [...this.#nodes.values()].map(toKubeNode).sort((a, b) => a.name.localeCompare(b.name)),
      systemPods: [...this.#pods.values()]
        .map(toKubePod)
        .sort((a, b) => a.name.localeCompare(b.name)),
      warnings,
    };
  }

  #mirror<T extends KubernetesObject>(
    source: Source,
    store: Map<string, T>,
    afterChange: (store: Map<string, T>) => void = () => {},
  ) {
    return {
      onReplace: (items: T[]) => {
        store.clear();
        for (const item of items) store.set(keyOf(item), item);
        afterChange(store);
        this.#changed();
      },
      onEvent: (type: string, object: T) => {
        if (type === 'DELETED') store.delete(keyOf(object));
        else store.set(keyOf(object), object);
        afterChange(store);
        this.#changed();
      },
      onStatus: (status: ReflectorStatus) => this.#setStatus(source, status),
    };
  }

  #setStatus(source: Source, status: ReflectorStatus): void {
    const before = this.#apiState();
    this.#status.set(source, status);
    // A watch or list that just succeeded proves the API answers again.
    if (status.state === 'connected' && this.#status.get('heartbeat')?.state === 'failed') {
      this.#status.delete('heartbeat');
    }
    const after = this.#apiState();
    if (before.api !== after.api || before.apiError !== after.apiError) this.#changed();
  }

  #apiState(): { api: ApiState; apiError: string | null } {
    const failures = [...this.#status.values()].flatMap((s) =>
      s.state === 'failed' ? [s.failure] : [],
    );
    const refused = failures.find((f) => f.kind === 'unauthorized');
    if (refused) return { api: 'unauthorized', apiError: refused.message };
    if (failures.length > 0) return { api: 'unreachable', apiError: failures[0]!.message };
    const sources: Source[] = ['nodes', 'pods', 'events'];
    if (sources.every((s) => this.#status.get(s)?.state === 'connected')) {
      return { api: 'connected', apiError: null };
    }
    return { api: this.#started ? 'connecting' : 'unknown', apiError: null };
  }

  /** Coalesce: one snapshot per debounce window, however many changes arrived. */
  #changed(): void {
    if (this.#stopped || this.#emitTimer) return;
    this.#emitTimer = setTimeout(() => {
      this.#emitTimer = undefined;
      if (!this.#stopped) this.#onSnapshot(this.snapshot());
    }, this.#options.debounceMs);
  }

  /**
   * A watch on a vanished VIP can stay silent for minutes before TCP notices: a cheap request
   * now and then tells, and drops the watches so that they reconnect (or report failure).
   */
  #scheduleHeartbeat(): void {
    if (this.#stopped) return;
    this.#heartbeatTimer = setTimeout(async () => {
      this.#heartbeat = new AbortController();
      try {
        await this.#client.core.listNode(
          { limit: 1 },
          this.#client.options(this.#heartbeat.signal),
        );
        if (this.#status.get('heartbeat')?.state === 'failed') {
          this.#setStatus('heartbeat', { state: 'connected' });
        }
      } catch (error) {
        if (this.#stopped) return;
        const failure = classifyApiError(error, this.#client.server);
        this.#setStatus('heartbeat', { state: 'failed', failure });
        for (const reflector of this.#reflectors) reflector.drop();
      }
      this.#scheduleHeartbeat();
    }, this.#options.heartbeatMs);
  }
}

/** Start watching; the returned function stops (fire and forget, as HealthSources expects). */
export function watchCluster(
  kubeconfig: string,
  onSnapshot: (snapshot: ClusterSnapshot) => void,
  options: ClusterWatchOptions = {},
): () => void {
  const watch = new ClusterWatch(kubeconfig, onSnapshot, options);
  watch.start();
  return () => void watch.stop();
}

function listed<T>(list: { items: T[]; metadata?: { resourceVersion?: string } }) {
  return { items: list.items, resourceVersion: list.metadata?.resourceVersion ?? '' };
}

function keyOf(object: KubernetesObject): string {
  return `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

function pruneOldest<T>(store: Map<string, T>, max: number): void {
  // Maps iterate in insertion order: the first keys are the oldest.
  for (const key of store.keys()) {
    if (store.size <= max) return;
    store.delete(key);
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
