import type { SmokeTestResult } from '../../../common/health';
import { clusterPath } from '../cluster-option';
import { CliExit } from '../exit';
import { formatTable } from '../format';
import {
  cliHealthSources,
  commandHealthService,
  type HealthCommandContext,
} from '../health-context';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { SmokeTestCommandFlags, SmokeTestFlags } from './smoke-test';

export async function runSmokeTestCommand(io: CliIo, flags: SmokeTestCommandFlags) {
  const path = clusterPath(flags);
  const workspace = await unlockedWorkspace(path, flags);
  const signal = new AbortController().signal;
  await runSmokeTest(path, flags, { workspace, sources: cliHealthSources(), io, signal });
}

export async function runSmokeTest(
  path: string,
  flags: SmokeTestFlags,
  context: HealthCommandContext,
): Promise<SmokeTestResult> {
  const { io } = context;
  const service = commandHealthService(context, {
    smokeTestProgress: ({ message }) => io.err(message),
  });
  const result = await service.smokeTest(path, flags.timeout);
  if (flags.json) io.out(JSON.stringify(result));
  else io.out(formatSmokeTest(result));
  if (!result.passed) throw new CliExit(1);
  return result;
}

export function formatSmokeTest(result: SmokeTestResult): string {
  const rows = result.nodes.map((n) => [
    n.node,
    n.ok ? 'ok' : 'FAILED',
    n.podPhase ?? '-',
    n.message ?? '',
  ]);
  const table = formatTable(['NODE', 'RESULT', 'POD', 'MESSAGE'], rows);
  const verdict = result.passed
    ? `smoke test passed on ${result.nodes.length} node(s) (${result.image})`
    : `smoke test FAILED${result.error ? `: ${result.error}` : ''}`;
  return result.nodes.length > 0 ? `${table}\n${verdict}` : verdict;
}
