import type { HealthView } from '../../../common/health-view';
import { abortableSleep, HealthWatch } from '../../health';
import { clusterPath } from '../cluster-option';
import { cliHealthSources, type HealthCommandContext, interruptSignal } from '../health-context';
import { firstPictureComplete, formatHealthView } from '../health-format';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { StatusCommandFlags, StatusFlags } from './status';

export async function runStatusCommand(io: CliIo, flags: StatusCommandFlags) {
  const path = clusterPath(flags);
  const workspace = await unlockedWorkspace(path, flags);
  const { signal, release } = interruptSignal();
  try {
    await runStatus(path, flags, { workspace, sources: cliHealthSources(), io, signal });
  } finally {
    release();
  }
}

/** One picture of the cluster, or (--watch) every change until stopped. */
export async function runStatus(
  path: string,
  flags: StatusFlags,
  context: HealthCommandContext,
): Promise<void> {
  const { io } = context;
  const print = (view: HealthView) =>
    io.out(flags.json ? JSON.stringify(view) : `${formatHealthView(view)}\n`);
  let stopping = false;
  let changed = () => {};
  const watch = await HealthWatch.start({
    path,
    workspace: context.workspace,
    sources: context.sources,
    onView: (view) => {
      if (flags.watch && !stopping) print(view);
      changed();
    },
    onAlert: (alert) => io.err(`ALERT ${alert.hostname} ${alert.kind}: ${alert.detail}`),
    log: (message) => io.err(message),
  });
  try {
    if (flags.watch) {
      await abortableSleep(flags.timeout ? flags.timeout * 1000 : 2 ** 31 - 1, context.signal);
      return;
    }
    const deadline = AbortSignal.any([context.signal, AbortSignal.timeout(flags.wait * 1000)]);
    await new Promise<void>((resolve) => {
      const check = () => {
        if (deadline.aborted || firstPictureComplete(watch.view())) resolve();
      };
      changed = check;
      deadline.addEventListener('abort', check, { once: true });
      check();
    });
    print(watch.view());
  } finally {
    stopping = true;
    watch.stop();
    await watch.settled();
  }
}
