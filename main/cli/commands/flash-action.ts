import { type ClusterNode, nodeStatus } from '../../../common/cluster';
import type { Drive } from '../../../common/drives';
import { KubeflashError, serializeError } from '../../../common/errors';
import { formatBytes } from '../../../common/format-bytes';
import { loadPlan, loadState, projectPaths } from '../../cluster';
import {
  diffDrives,
  type FlashNodeRequest,
  type FlashService,
  type FlashStepProgress,
  listDrives,
  targetRefusals,
} from '../../flash';
import type { StartedImage } from '../../flash/started-image';
import type { WriterConnection } from '../../flash/writer/host';
import { clusterPath } from '../cluster-option';
import type { EarlyDecryption } from '../early-unlock';
import { stopEarlyWriter } from '../early-writer';
import { cliFlashService } from '../flash-context';
import type { CliIo } from '../io';
import { progressLine } from '../progress-line';
import { terminalPrompter } from '../prompt';
import { startUnlock } from '../unlock';
import type { CommonFlags, FlashFlags, FlashNextFlags } from './flash';

/** What the command started as it began (see early-writer.ts, early-unlock.ts), or null. */
export interface EarlyStarts {
  writer: Promise<WriterConnection> | null;
  decryption: EarlyDecryption | null;
  image: StartedImage | null;
}

const nothingEarly: EarlyStarts = { writer: null, decryption: null, image: null };

export async function runFlash(io: CliIo, flags: FlashFlags, early: EarlyStarts = nothingEarly) {
  const path = clusterPath(flags);
  const { service, unlocked, close } = await flashEngine(path, flags, early, async () => {
    if (!flags.yes) await confirmErase(flags.device);
  });
  try {
    // The image is prepared while the secrets are unlocked (flashNode waits for them).
    await flashOne(service, io, flags, {
      hostname: flags.node,
      device: flags.device,
      allowSystemDevice: flags.allowSystemDrive,
      secretsUnlocking: unlocked,
      imageStarted: early.image ?? undefined,
    });
  } finally {
    early.image?.cancel(); // stops it if flashNode failed before it used it
    close();
  }
}

export async function runFlashNext(
  io: CliIo,
  flags: FlashNextFlags,
  early: EarlyStarts = nothingEarly,
) {
  const path = clusterPath(flags);
  const { service, unlocked, close } = await flashEngine(path, flags, early);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    await unlocked;
    await flashNext(service, io, flags, path, stop.signal, early.image);
  } finally {
    process.off('SIGINT', onSignal);
    early.image?.cancel();
    close();
  }
}

/**
 * The engine, once `before` passed and the passphrase is read; `unlocked`: the secrets' unlock
 * under way. The early writer stops if this fails (or when `close` is called).
 */
async function flashEngine(
  path: string,
  flags: CommonFlags,
  early: EarlyStarts,
  before?: () => Promise<void>,
) {
  try {
    await before?.();
    const { workspace, unlocked } = await startUnlock(
      path,
      flags,
      terminalPrompter(),
      early.decryption,
    );
    return { ...cliFlashService(workspace, { writerStarted: early.writer }), unlocked };
  } catch (error) {
    stopEarlyWriter(early.writer);
    early.image?.cancel();
    throw error;
  }
}

async function confirmErase(device: string) {
  const prompter = terminalPrompter();
  if (!prompter)
    throw new KubeflashError(
      'invalid-request',
      `Erasing ${device} needs confirmation: add --yes to run without a terminal`,
    );
  const drive = (await listDrives({ includeLoop: true })).find((d) => d.device === device);
  const what = drive ? `${drive.description}, ${formatBytes(drive.size)}` : 'unknown drive';
  const answer = await prompter.ask(
    `Everything on ${device} (${what}) will be erased. Type "yes" to continue`,
  );
  if (answer.trim().toLowerCase() !== 'yes')
    throw new KubeflashError('invalid-request', 'Not confirmed: nothing was written');
}

async function flashOne(
  service: FlashService,
  io: CliIo,
  flags: CommonFlags,
  target: Pick<
    FlashNodeRequest,
    'hostname' | 'device' | 'allowSystemDevice' | 'secretsUnlocking' | 'imageStarted'
  >,
) {
  const report = progressReporter(io, flags.json, {
    hostname: target.hostname,
    device: target.device,
  });
  try {
    const outcome = await service.flashNode(
      {
        clusterPath: clusterPath(flags),
        ...target,
        image: flags.image,
        allowLoop: flags.includeLoop,
      },
      report.progress,
    );
    report.end();
    if (flags.json) io.out(JSON.stringify({ event: 'done', ...outcome }));
    else {
      const { result } = outcome;
      io.out(
        `${target.hostname}: ${outcome.family} written to ${target.device} (${formatBytes(result.bytesWritten)}), ` +
          `verified, ${result.bootFilesVerified} boot files read back${result.ejected ? ', ejected' : ''}.`,
      );
    }
  } catch (error) {
    report.end();
    if (flags.json)
      io.out(
        JSON.stringify({
          event: 'failed',
          hostname: target.hostname,
          device: target.device,
          error: serializeError(error),
        }),
      );
    throw error;
  }
}

/** Progress as JSON lines, or one rewritten terminal line (throttled to a few per second). */
function progressReporter(
  io: CliIo,
  json: boolean | undefined,
  target: { hostname: string; device: string },
) {
  let last = 0;
  let drawn = false;
  return {
    progress: (event: FlashStepProgress) => {
      if (json) return io.out(JSON.stringify({ event: 'progress', ...target, ...event }));
      const now = Date.now();
      if (now - last < 250 || !process.stderr.isTTY) return;
      last = now;
      drawn = true;
      process.stderr.write(`\r${progressLine(event)}`);
    },
    end: () => {
      if (drawn) process.stderr.write('\n');
    },
  };
}

/** The next node to flash, in plan order: never flashed, failed, or marked for rebuild. */
export function nextNode(
  nodes: readonly ClusterNode[],
  status: (hostname: string) => string,
): ClusterNode | undefined {
  return nodes.find((n) => status(n.hostname) !== 'flashed');
}

async function flashNext(
  service: FlashService,
  io: CliIo,
  flags: FlashNextFlags,
  path: string,
  signal: AbortSignal,
  started: StartedImage | null,
) {
  const list = () => listDrives({ includeLoop: Boolean(flags.includeLoop) });
  let known: Drive[] = await list();
  // Each node's image is prepared while its card is being inserted (the first node's may have
  // started with the command); if it cannot be, say so at once rather than when a card arrives.
  // Later nodes with the same image find it in the cache.
  let preparing = started;
  const say = (message: string, extra: object = {}) =>
    flags.json ? io.out(JSON.stringify({ event: 'status', message, ...extra })) : io.out(message);
  try {
    for (;;) {
      const state = await loadState(projectPaths(path).state);
      const node = nextNode((await loadPlan(path)).spec.nodes, (h) => nodeStatus(state, h));
      if (!node) {
        say('Every node is flashed.');
        return;
      }
      const image = await service.startImage(path, node.hostname, {
        image: flags.image,
        reuse: preparing,
      });
      preparing = image;
      let imageProblem: unknown = null;
      void image.failure().then((error) => (imageProblem = error));
      say(`Insert the card for ${node.hostname}…`, { hostname: node.hostname });
      const drive = await waitFor(signal, flags.pollMs, async () => {
        if (imageProblem) throw imageProblem;
        const now = await list();
        const { attached } = diffDrives(known, now);
        known = now;
        return attached.find(
          (d) => targetRefusals(d, { allowLoop: Boolean(flags.includeLoop) }).length === 0,
        );
      });
      if (!drive) return say('Stopped.');
      say(
        `Writing ${node.hostname} to ${drive.device} (${drive.description}, ${formatBytes(drive.size)})`,
        { device: drive.device },
      );
      preparing = null; // the flash follows it and releases the image
      try {
        await flashOne(service, io, flags, {
          hostname: node.hostname,
          device: drive.device,
          imageStarted: image,
        });
      } catch (error) {
        io.err(
          `kubeflash: ${node.hostname} failed: ${error instanceof Error ? error.message : error} — insert a card to retry.`,
        );
      }
      say(`Remove the card from ${drive.device}.`, { device: drive.device });
      const removed = await waitFor(signal, flags.pollMs, async () => {
        known = await list();
        return known.some((d) => d.device === drive.device) ? undefined : true;
      });
      if (!removed) return say('Stopped.');
    }
  } finally {
    preparing?.cancel(); // stopped (Ctrl-C) or failed while waiting for a card
  }
}

/** Polls until `check` returns a value or the signal fires (Ctrl-C); bounded by the signal. */
async function waitFor<T>(
  signal: AbortSignal,
  intervalMs: number,
  check: () => Promise<T | undefined>,
): Promise<T | undefined> {
  while (!signal.aborted) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return undefined;
}
