import { Agent, type AgentOptions } from 'node:https';

import {
  AppsV1Api,
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type RequestContext,
  type ResponseContext,
  Watch,
} from '@kubernetes/client-node';

/** How long one API request (or a watch's connect) may take before it counts as unreachable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/**
 * A KubeConfig whose requests all go through one connection pool that close() destroys, so a
 * stopped watch leaves no socket behind; and whose watch connects time out (client-node 1.4's
 * Watch sets no timeout of its own: a VIP that vanished silently would hang it for minutes).
 */
class PooledKubeConfig extends KubeConfig {
  #agent: Agent | undefined;
  #closed = false;

  constructor(private readonly connectTimeoutMs: number) {
    super();
  }

  override async applyToFetchOptions(
    options: Parameters<KubeConfig['applyToFetchOptions']>[0],
  ): ReturnType<KubeConfig['applyToFetchOptions']> {
    const init = await super.applyToFetchOptions(options);
    return { ...init, agent: this.#pooled(init.agent), timeout: this.connectTimeoutMs };
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setAgent(this.#pooled(context.getAgent()));
  }

  close(): void {
    this.#closed = true;
    this.#agent?.destroy();
  }

  #pooled(agent: unknown): Agent {
    if (this.#closed) throw new Error('This Kubernetes API client was closed');
    if (!(agent instanceof Agent)) {
      throw new Error('The kubeconfig must reach its server over https (no proxy)');
    }
    // Same cluster and user every time: the first agent's TLS options are everyone's.
    this.#agent ??= new Agent({ ...(agent.options as AgentOptions), keepAlive: true });
    return this.#agent;
  }
}

/** One cluster's API through one kubeconfig; close() ends every connection it opened. */
export interface KubeClient {
  /** The kubeconfig's server URL (for messages). */
  readonly server: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly watch: Watch;
  readonly requestTimeoutMs: number;
  /** Options for one request: its timeout, and `signal` to cancel it. */
  options(signal?: AbortSignal): ConfigurationOptions;
  close(): void;
}

/**
 * The kubeconfig text as Kubeflash generated it (or as the init node wrote it), loaded unchanged;
 * a clear error when it names no cluster, user or server.
 */
export function openKubeClient(
  kubeconfig: string,
  { requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS }: { requestTimeoutMs?: number } = {},
): KubeClient {
  const config = new PooledKubeConfig(requestTimeoutMs);
  try {
    config.loadFromString(kubeconfig);
  } catch (error) {
    throw new Error(`The kubeconfig cannot be read: ${(error as Error).message}`);
  }
  const server = config.getCurrentCluster()?.server;
  if (!server) {
    throw new Error(
      'The kubeconfig has no current context with a cluster server: generate it again (kubeflash kubeconfig)',
    );
  }
  if (!config.getCurrentUser()) {
    throw new Error('The kubeconfig has no user for its current context: generate it again');
  }
  return {
    server,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    watch: new Watch(config),
    requestTimeoutMs,
    options: (signal) => requestOptions(requestTimeoutMs, signal),
    close: () => config.close(),
  };
}

function requestOptions(timeoutMs: number, signal?: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          const timeout = AbortSignal.timeout(timeoutMs);
          context.setSignal(signal ? AbortSignal.any([signal, timeout]) : timeout);
          return new Observable(Promise.resolve(context));
        },
        post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
      },
    ],
    middlewareMergeStrategy: 'append',
  };
}
