import { abortableSleep } from '../../health';
import { clusterPath } from '../cluster-option';
import { CliExit } from '../exit';
import {
  cliHealthSources,
  commandHealthService,
  type HealthCommandContext,
  interruptSignal,
} from '../health-context';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { LogsCommandFlags, LogsFlags } from './logs';

/** Without -f: the log so far, taken as ended once no line came for this long. */
const quietMs = 1_500;
const maxReadMs = 20_000;

export async function runLogsCommand(io: CliIo, node: string, flags: LogsCommandFlags) {
  const path = clusterPath(flags);
  const workspace = await unlockedWorkspace(path, flags);
  const { signal, release } = interruptSignal();
  try {
    await runLogs(path, node, flags, { workspace, sources: cliHealthSources(), io, signal });
  } finally {
    release();
  }
}

export async function runLogs(
  path: string,
  hostname: string,
  flags: LogsFlags,
  context: HealthCommandContext,
): Promise<void> {
  let lastLine = Date.now();
  let ended: { error: string | null } | null = null;
  const done = new AbortController();
  const service = commandHealthService(context, {
    healthLog: (event) => {
      for (const line of event.lines) context.io.out(line);
      lastLine = Date.now();
      if (event.ended) {
        ended = { error: event.error };
        done.abort();
      }
    },
  });
  const { streamId } = await service.followLog(path, hostname);
  const stop = AbortSignal.any([context.signal, done.signal]);
  if (flags.follow) {
    await abortableSleep(2 ** 31 - 1, stop);
  } else {
    const started = Date.now();
    while (!stop.aborted && Date.now() - lastLine < quietMs && Date.now() - started < maxReadMs)
      await abortableSleep(250, stop);
  }
  service.stopLog(streamId);
  const end = ended as { error: string | null } | null;
  if (end?.error) {
    context.io.err(`kubeflash: the log of ${hostname} ended: ${end.error}`);
    throw new CliExit(1);
  }
}
