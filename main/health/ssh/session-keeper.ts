import { type NodeTarget, type SshCredentials } from './node-target';
import {
  defaultSshTimeouts,
  openSshSession,
  type SshSession,
  type SshTimeouts,
} from './ssh-session';

export type OpenSession = typeof openSshSession;

/**
 * Keeps at most one SSH connection per node between probes: reused while it works, dropped on any
 * failure and opened again on the next use. Concurrent gets for one node share one connect.
 */
export class SessionKeeper {
  readonly #sessions = new Map<string, Promise<SshSession>>();
  #closed = false;

  constructor(
    private readonly timeouts: SshTimeouts = defaultSshTimeouts,
    private readonly open: OpenSession = openSshSession,
  ) {}

  async get(target: NodeTarget, credentials: SshCredentials): Promise<SshSession> {
    if (this.#closed) throw new Error('The SSH session keeper was closed');
    const existing = this.#sessions.get(target.hostname);
    if (existing) {
      const session = await existing.catch(() => null);
      if (session?.usable) return session;
      session?.close();
      const current = this.#sessions.get(target.hostname);
      if (current === existing) this.#sessions.delete(target.hostname);
      // Another caller replaced the stale one meanwhile: share that attempt, whatever its outcome.
      else if (current) return current;
    }
    const opening = this.open(target, credentials, this.timeouts);
    this.#sessions.set(target.hostname, opening);
    opening.then(
      (session) => {
        // Closed while connecting: do not keep it.
        if (this.#closed) session.close();
      },
      () => {
        if (this.#sessions.get(target.hostname) === opening) this.#sessions.delete(target.hostname);
      },
    );
    return opening;
  }

  /** Closes the node's connection (after a failure, or when the node leaves the watch). */
  drop(hostname: string): void {
    const existing = this.#sessions.get(hostname);
    this.#sessions.delete(hostname);
    void existing?.then((session) => session.close()).catch(() => {});
  }

  /** How many connections are open or opening. */
  get size(): number {
    return this.#sessions.size;
  }

  closeAll(): void {
    this.#closed = true;
    for (const hostname of [...this.#sessions.keys()]) this.drop(hostname);
  }
}
