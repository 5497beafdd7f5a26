import type { ClientChannel } from 'ssh2';

import { bootstrapLogTag } from '../../provision/payload';
import { abortableSleep } from '../backoff';
import { type NodeTarget, type SshCredentials } from './node-target';
import {
  defaultSshTimeouts,
  openSshSession,
  SshConnectError,
  type SshSession,
  type SshTimeouts,
} from './ssh-session';

export interface FollowLogOptions {
  /** Failed connects in a row before giving up (a stream that delivered lines resets the count). */
  maxAttempts?: number;
  /** Pause between attempts. */
  retryDelayMs?: number;
  /** Lines of history sent on the first connect. */
  backlogLines?: number;
  ssh?: SshTimeouts;
  /** Injectable for tests. */
  open?: typeof openSshSession;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MAX_LINE_LENGTH = 8 * 1024;

/**
 * One POSIX sh command that follows the bootstrap log wherever the node's OS keeps it: the
 * journal when journalctl exists and holds entries under the tag; else syslog or messages,
 * filtered by the tag (a `case` filter: busybox grep may buffer); else the bootstrap's own
 * /var/lib/kubeflash/bootstrap.log (always written; tail -F waits for it to appear).
 * The follower runs in the background and the foreground waits for the channel's end of input:
 * when the app closes the channel (or the connection drops) `kill 0` ends the follower too,
 * so no tail or journalctl is left running on the node.
 */
export function followLogCommand(backlogLines: number): string {
  const n = Math.max(0, Math.floor(backlogLines));
  return [
    `tag=${bootstrapLogTag}`,
    'follow() {',
    '  if command -v journalctl >/dev/null 2>&1 && [ -n "$(journalctl -q -n 1 -o cat -t "$tag" 2>/dev/null)" ]; then',
    `    journalctl -q -f -n ${n} -o short-iso -t "$tag"; return`,
    '  fi',
    '  for f in /var/log/syslog /var/log/messages; do',
    '    if [ -r "$f" ] && grep -q "$tag" "$f" 2>/dev/null; then',
    `      tail -n ${n === 0 ? 0 : n * 5} -F "$f" 2>/dev/null | while IFS= read -r line; do`,
    `        case $line in *"$tag"*) printf '%s\\n' "$line" ;; esac`,
    '      done; return',
    '    fi',
    '  done',
    `  tail -n ${n} -F /var/lib/kubeflash/bootstrap.log 2>/dev/null`,
    '}',
    '(follow; kill 0) </dev/null &',
    'cat >/dev/null',
    'kill 0',
  ].join('\n');
}

/**
 * Follows the node's live kubeflash-bootstrap log, calling onLines with each batch of complete
 * lines, until `signal` aborts (then resolves). Reconnects when the stream ends or the
 * connection drops, at most `maxAttempts` failed connects in a row (then rejects with the last
 * reason); a host-key mismatch or a refused key rejects at once. Lines written while
 * disconnected are not replayed (reconnects start at the end of the log).
 */
export async function followBootstrapLog(
  target: NodeTarget,
  credentials: SshCredentials,
  onLines: (lines: string[]) => void,
  signal: AbortSignal,
  options: FollowLogOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 2_000;
  const open = options.open ?? openSshSession;
  const sleep = options.sleep ?? abortableSleep;
  let failures = 0;
  let lastProblem = 'the stream ended without output';
  let first = true;
  for (;;) {
    if (signal.aborted) return;
    let session: SshSession | null = null;
    try {
      session = await open(target, credentials, options.ssh ?? defaultSshTimeouts);
      const backlog = first ? (options.backlogLines ?? 200) : 0;
      const channel = await session.stream(followLogCommand(backlog));
      first = false;
      if (await pump(channel, onLines, signal)) failures = 0;
      else {
        failures++;
        lastProblem = 'the stream ended without output';
      }
    } catch (error) {
      if (error instanceof OnLinesError) throw error.cause;
      // An impostor or a refused key does not get better by retrying.
      if (error instanceof SshConnectError && error.state !== 'unreachable') throw error;
      failures++;
      lastProblem = error instanceof Error ? error.message : String(error);
    } finally {
      session?.close();
    }
    if (signal.aborted) return;
    if (failures >= maxAttempts) {
      throw new Error(
        `Gave up following the bootstrap log of ${target.hostname} after ${failures} failed attempts in a row: ${lastProblem}`,
      );
    }
    await sleep(retryDelayMs, signal);
  }
}

/** onLines threw: the caller's own error, passed back as is rather than retried. */
class OnLinesError extends Error {
  constructor(override readonly cause: unknown) {
    super('onLines threw');
  }
}

/** Reads the channel until it closes or `signal` aborts; true when any line came through. */
function pump(
  channel: ClientChannel,
  onLines: (lines: string[]) => void,
  signal: AbortSignal,
): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let partial = '';
    let delivered = false;
    let callbackError: unknown;
    const onAbort = () => {
      channel.end(); // end of input: the command on the node stops its follower and exits
      channel.close();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      if (partial.length > MAX_LINE_LENGTH) {
        parts.push(partial.slice(0, MAX_LINE_LENGTH));
        partial = '';
      }
      const lines = parts.map((line) => line.replace(/\r$/, '').slice(0, MAX_LINE_LENGTH));
      if (lines.length > 0 && callbackError === undefined) {
        delivered = true;
        try {
          onLines(lines);
        } catch (error) {
          callbackError = error; // the caller's bug: stop following and hand it back
          channel.end();
          channel.close();
        }
      }
    });
    channel.stderr.resume(); // drain; the command sends its own errors to /dev/null
    channel.on('close', () => {
      signal.removeEventListener('abort', onAbort);
      if (callbackError !== undefined) reject(new OnLinesError(callbackError));
      else resolve(delivered);
    });
    if (signal.aborted) onAbort();
  });
}
