import type { KubernetesObject, Watch } from '@kubernetes/client-node';

import { abortableSleep, backoffDelay, type BackoffPolicy } from '../backoff';
import { type ApiFailure, classifyApiError } from './api-error';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export type ReflectorStatus = { state: 'connected' } | { state: 'failed'; failure: ApiFailure };

export interface ReflectorOptions<T extends KubernetesObject> {
  server: string;
  watch: Watch;
  /** The collection's path, e.g. /api/v1/nodes. */
  path: string;
  /** Selectors sent with list and watch alike. */
  fieldSelector?: string;
  list(signal: AbortSignal): Promise<ListResult<T>>;
  /** The server ends each watch after this long (the client then resumes it). */
  watchTimeoutSeconds: number;
  /** A watch that says nothing (not even a bookmark) for this long is dropped and resumed. */
  idleTimeoutMs: number;
  backoff: BackoffPolicy;
  /** A fresh list replaced everything known. */
  onReplace(items: T[]): void;
  onEvent(type: WatchEventType, object: T): void;
  onStatus(status: ReflectorStatus): void;
}

interface WatchEnd {
  connected: boolean;
  gone: boolean;
  /** The server sent an ERROR event other than 410: a failure even though it connected. */
  refused: boolean;
  error: unknown;
}

/**
 * Keeps one collection current, as client-go's reflector does: list once, then watch from the
 * list's resourceVersion; a dropped watch resumes from the last resourceVersion seen (no new
 * list); 410 Gone (history compacted) lists again; failures retry with capped backoff.
 */
export class Reflector<T extends KubernetesObject> {
  #resourceVersion = '';
  readonly #stop = new AbortController();
  #abortWatch: (() => void) | undefined;
  #running: Promise<void> | undefined;

  constructor(private readonly options: ReflectorOptions<T>) {}

  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** Drop the current watch (the API seems gone): it is resumed, or fails and backs off. */
  drop(): void {
    this.#abortWatch?.();
  }

  /** Stops and waits until no request of this reflector is in flight. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#abortWatch?.();
    await this.#running;
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    const { backoff } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!this.#resourceVersion) {
          const list = await this.options.list(signal);
          if (signal.aborted) return;
          this.#resourceVersion = list.resourceVersion;
          this.options.onReplace(list.items);
          this.options.onStatus({ state: 'connected' });
        }
        const end = await this.#watchOnce();
        if (signal.aborted) return;
        if (end.connected) failures = 0;
        if (end.gone) {
          this.#resourceVersion = '';
        } else if ((!end.connected || end.refused) && end.error) {
          throw end.error;
        }
        // A stream that ended (the server's timeout, a cut connection) resumes after a breath.
        await abortableSleep(backoff.intervalMs, signal);
      } catch (error) {
        if (signal.aborted) return;
        const failure = classifyApiError(error, this.options.server);
        if (failure.kind === 'gone') {
          this.#resourceVersion = '';
          continue;
        }
        failures += 1;
        this.options.onStatus({ state: 'failed', failure });
        await abortableSleep(backoffDelay(failures, backoff), signal);
      }
    }
  }

  #watchOnce(): Promise<WatchEnd> {
    const { watch, path, fieldSelector, idleTimeoutMs, watchTimeoutSeconds } = this.options;
    return new Promise<WatchEnd>((resolve) => {
      const end: WatchEnd = { connected: false, gone: false, refused: false, error: undefined };
      let settled = false;
      let controller: AbortController | undefined;
      let idle: NodeJS.Timeout | undefined;
      const finish = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(idle);
        this.#abortWatch = undefined;
        controller?.abort();
        resolve({ ...end, error: end.error ?? error });
      };
      const resetIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(() => finish(new Error('the watch went silent')), idleTimeoutMs);
      };
      this.#abortWatch = () => finish(undefined);
      resetIdle();
      watch
        .watch(
          path,
          {
            resourceVersion: this.#resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: watchTimeoutSeconds,
            ...(fieldSelector ? { fieldSelector } : {}),
          },
          (type: string, object: T & { code?: number }) => {
            if (settled) return;
            resetIdle();
            if (type === 'ERROR') {
              // A Status object: 410 means the history we resume from was compacted.
              if (object.code === 410) end.gone = true;
              else {
                end.refused = true;
                end.error = Object.assign(new Error('watch error'), { statusCode: object.code });
              }
              return;
            }
            const version = object.metadata?.resourceVersion;
            if (version) this.#resourceVersion = version;
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              this.options.onEvent(type, object);
            }
          },
          (error: unknown) => finish(error),
        )
        .then(
          (started) => {
            controller = started;
            if (settled) {
              started.abort();
              return;
            }
            end.connected = true;
            this.options.onStatus({ state: 'connected' });
          },
          (error: unknown) => finish(error),
        );
    });
  }
}
