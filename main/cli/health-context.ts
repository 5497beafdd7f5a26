import type { ClusterWorkspace } from '../cluster';
import {
  defaultHealthSources,
  type HealthEvents,
  HealthService,
  type HealthSources,
} from '../health';
import type { CliIo } from './io';

/** What the health commands use; tests pass fakes for the SSH and API sides. */
export interface HealthCommandContext {
  workspace: ClusterWorkspace;
  sources: HealthSources;
  io: CliIo;
  /** Ends a watch or a follow (Ctrl-C). */
  signal: AbortSignal;
}

/** Ctrl-C (SIGINT) and SIGTERM abort the returned signal; `release` removes the listeners. */
export function interruptSignal(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

export function cliHealthSources(): HealthSources {
  return defaultHealthSources();
}

/** A health service for one command: the events it does not listen to go nowhere. */
export function commandHealthService(
  context: HealthCommandContext,
  events: Partial<HealthEvents>,
): HealthService {
  const ignore = () => {};
  return new HealthService({
    workspace: context.workspace,
    sources: context.sources,
    events: {
      healthChanged: ignore,
      healthAlert: ignore,
      healthLog: ignore,
      smokeTestProgress: ignore,
      ...events,
    },
  });
}
