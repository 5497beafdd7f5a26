import type { NodeObservation } from '../../../common/health';
import { backoffDelay, type BackoffPolicy, defaultBackoff } from '../backoff';
import {
  type NodeTarget,
  probeNode,
  type ProbeOptions,
  SessionKeeper,
  type SshCredentials,
  type SshTimeouts,
} from '../ssh';
import { type Clock, systemClock } from './clock';
import { Limiter } from './limiter';

export const DEFAULT_MAX_CONCURRENT_PROBES = 8;

export type ProbeFunction = (
  target: NodeTarget,
  credentials: SshCredentials,
  options: ProbeOptions,
) => Promise<NodeObservation>;

export interface ProbeSchedulerOptions {
  credentials: SshCredentials;
  onObservation(observation: NodeObservation): void;
  /** Probes running at once, across all nodes (TCP connects, SSH handshakes, commands). */
  maxConcurrent?: number;
  backoff?: Partial<BackoffPolicy>;
  clock?: Clock;
  /** In [0, 1): jitter source. */
  random?: () => number;
  tcpTimeoutMs?: number;
  ssh?: SshTimeouts;
  /** Where an exception thrown by onObservation goes (it never stops the watch). */
  onCallbackError?: (error: unknown) => void;
  /** Injectable for tests; defaults to probeNode. */
  probe?: ProbeFunction;
}

interface NodeSlot {
  target: NodeTarget;
  failures: number;
  timer: unknown;
  /** A probe is queued or running: no timer is set meanwhile (one pending action per node). */
  busy: boolean;
}

/**
 * Watches N nodes with bounded resources: every node has at most one pending action (a timer or
 * a queued/running probe), probes share a pool of `maxConcurrent` slots, a healthy node is probed
 * every interval over the one SSH connection kept for it, a failing node ever more rarely
 * (exponential backoff, capped, jittered). stop() clears every timer, drops queued probes and
 * closes every connection; results of probes still running are discarded.
 */
export class ProbeScheduler {
  readonly #options: ProbeSchedulerOptions;
  readonly #policy: BackoffPolicy;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #probe: ProbeFunction;
  readonly #limiter: Limiter;
  readonly #sessions: SessionKeeper;
  readonly #nodes = new Map<string, NodeSlot>();
  #stopped = false;

  constructor(options: ProbeSchedulerOptions) {
    this.#options = options;
    this.#policy = { ...defaultBackoff, ...options.backoff };
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#probe = options.probe ?? probeNode;
    this.#limiter = new Limiter(options.maxConcurrent ?? DEFAULT_MAX_CONCURRENT_PROBES);
    this.#sessions = new SessionKeeper(options.ssh);
  }

  /**
   * The nodes to watch: new ones are probed at once (through the pool), removed ones stop and
   * lose their connection, kept ones keep their schedule (a changed address reconnects).
   */
  setTargets(targets: readonly NodeTarget[]): void {
    if (this.#stopped) throw new Error('This probe scheduler was stopped; create a new one');
    const wanted = new Map(targets.map((t) => [t.hostname, t]));
    for (const [hostname, slot] of this.#nodes) {
      if (!wanted.has(hostname)) this.#remove(hostname, slot);
    }
    for (const target of wanted.values()) {
      const slot = this.#nodes.get(target.hostname);
      if (!slot) {
        const fresh: NodeSlot = { target, failures: 0, timer: null, busy: false };
        this.#nodes.set(target.hostname, fresh);
        this.#run(fresh);
      } else if (!sameTarget(slot.target, target)) {
        slot.target = target;
        this.#sessions.drop(target.hostname);
      }
    }
  }

  /** How many probes are running right now (never more than maxConcurrent). */
  get activeProbes(): number {
    return this.#limiter.active;
  }

  /** Nodes with a queued or running probe. */
  get busyNodes(): number {
    return [...this.#nodes.values()].filter((s) => s.busy).length;
  }

  /** Nodes waiting on a timer for their next probe. */
  get scheduledNodes(): number {
    return [...this.#nodes.values()].filter((s) => s.timer !== null).length;
  }

  /** Consecutive failed probes of a node (0 when healthy or unknown). */
  failuresOf(hostname: string): number {
    return this.#nodes.get(hostname)?.failures ?? 0;
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const [hostname, slot] of this.#nodes) this.#remove(hostname, slot);
    this.#limiter.clear();
    this.#sessions.closeAll();
  }

  #remove(hostname: string, slot: NodeSlot): void {
    if (slot.timer !== null) this.#clock.clearTimeout(slot.timer);
    slot.timer = null;
    this.#nodes.delete(hostname);
    this.#sessions.drop(hostname);
  }

  #run(slot: NodeSlot): void {
    slot.timer = null;
    slot.busy = true;
    void this.#limiter
      .run(() => {
        if (!this.#isCurrent(slot)) return Promise.resolve(null);
        return this.#probe(slot.target, this.#options.credentials, {
          sessions: this.#sessions,
          tcpTimeoutMs: this.#options.tcpTimeoutMs,
          ssh: this.#options.ssh,
          now: () => new Date(this.#clock.now()),
        });
      })
      .then(
        (observation) => this.#finish(slot, observation),
        (error: unknown) => this.#finish(slot, null, error),
      );
  }

  #finish(slot: NodeSlot, observation: NodeObservation | null, error?: unknown): void {
    slot.busy = false;
    if (!this.#isCurrent(slot)) return; // stopped or removed meanwhile: report nothing
    const healthy = observation?.ssh === 'up';
    slot.failures = healthy ? 0 : slot.failures + 1;
    // Schedule first: a throwing callback must not end this node's watch.
    const delay = backoffDelay(slot.failures, this.#policy, this.#random);
    slot.timer = this.#clock.setTimeout(() => this.#run(slot), delay);
    // probeNode never throws; an injected probe might: report that as the node's error.
    const report = observation ?? failedObservation(slot.target, this.#clock.now(), error);
    try {
      this.#options.onObservation(report);
    } catch (callbackError) {
      this.#options.onCallbackError?.(callbackError);
    }
  }

  #isCurrent(slot: NodeSlot): boolean {
    return !this.#stopped && this.#nodes.get(slot.target.hostname) === slot;
  }
}

function sameTarget(a: NodeTarget, b: NodeTarget): boolean {
  return (
    a.address === b.address &&
    a.sshPort === b.sshPort &&
    a.apiPort === b.apiPort &&
    a.hostPublicKeys.join('\n') === b.hostPublicKeys.join('\n')
  );
}

function failedObservation(target: NodeTarget, now: number, error: unknown): NodeObservation {
  const message = error instanceof Error ? error.message : String(error);
  return {
    hostname: target.hostname,
    address: target.address,
    observedAt: new Date(now).toISOString(),
    tcp: { ssh: false, api: target.apiPort === null ? null : false },
    ssh: 'unknown',
    presentedHostKey: null,
    bootstrap: null,
    nodeTime: null,
    uptimeSeconds: null,
    error: message.slice(0, 4096),
  };
}
