import { z } from 'zod';

import { BootstrapStatus } from '../../../common/health';

/** Where the bootstrap records its progress on the node (bootstrap-entry.sh writes it). */
export const STATUS_PATH = '/var/lib/kubeflash/status.json';
const MAX_STATUS_BYTES = 64 * 1024;

/**
 * One POSIX sh command that prints everything a probe reads, in marked sections: the node's
 * clock, its uptime and its status file (absent before the bootstrap first ran). One command
 * means one round trip per probe.
 */
export const nodeFactsCommand = [
  "printf '%s\\n' '@@date'",
  'date -u +%s',
  "printf '%s\\n' '@@uptime'",
  'cat /proc/uptime',
  `if [ -e ${STATUS_PATH} ]; then printf '%s\\n' '@@status'; head -c ${MAX_STATUS_BYTES} ${STATUS_PATH}; fi`,
].join('; ');

export interface NodeFacts {
  bootstrap: BootstrapStatus | null;
  nodeTime: string | null;
  uptimeSeconds: number | null;
  /** What could not be read or understood; the other fields are still filled when they could be. */
  problems: string[];
}

const epochSeconds = z.coerce.number().int().min(0).max(32503680000); // until year 3000
const uptime = z.coerce.number().nonnegative().finite();

/** Parses the output of nodeFactsCommand; never throws — bad parts become problems. */
export function parseNodeFacts(output: string): NodeFacts {
  const sections = splitSections(output);
  const problems: string[] = [];

  let nodeTime: string | null = null;
  const date = epochSeconds.safeParse(sections.get('date')?.trim() || undefined);
  if (date.success) nodeTime = new Date(date.data * 1000).toISOString();
  else problems.push('could not read the node clock (`date -u +%s`)');

  let uptimeSeconds: number | null = null;
  const up = uptime.safeParse(sections.get('uptime')?.trim().split(/\s+/)[0] || undefined);
  if (up.success) uptimeSeconds = up.data;
  else problems.push('could not read /proc/uptime');

  let bootstrap: BootstrapStatus | null = null;
  const statusText = sections.get('status');
  if (statusText !== undefined) {
    const parsed = parseStatus(statusText);
    if (typeof parsed === 'string') problems.push(parsed);
    else bootstrap = parsed;
  }
  return { bootstrap, nodeTime, uptimeSeconds, problems };
}

function parseStatus(text: string): BootstrapStatus | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `${STATUS_PATH} on the node is not valid JSON (it may be mid-write; the next probe retries)`;
  }
  const result = BootstrapStatus.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  return `${STATUS_PATH} on the node is malformed: ${issue?.path.join('.') || 'value'}: ${issue?.message ?? 'invalid'}`;
}

function splitSections(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (current !== null) sections.set(current, lines.join('\n'));
  };
  for (const line of output.split('\n')) {
    const marker = /^@@(date|uptime|status)$/.exec(line);
    if (marker && !(current === 'status')) {
      flush();
      current = marker[1]!;
      lines = [];
    } else lines.push(line);
  }
  flush();
  return sections;
}
