import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One JSON line of `kubeflash flash-next --json`. */
export interface FlashNextEvent {
  event?: string;
  message?: string;
  hostname?: string;
  device?: string;
  step?: string;
  progress?: { phase?: string };
  error?: { message?: string };
}

/**
 * `kubeflash flash-next --json --poll-ms 100` as a flashing station runs it (the bench and the
 * CLI tests): started once, it waits for cards. `until` reads its events up to the first that
 * `accept` takes, within `limitMs`; a failed event or an early end is an error. Every wait is
 * bounded, and `stop` ends it (SIGINT, then SIGKILL after 10 s).
 */
export function startFlashNextStation(
  cli: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) {
  const child = spawn(
    process.execPath,
    [cli, 'flash-next', ...args, '--json', '--poll-ms', '100'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();

  const until = async (
    accept: (event: FlashNextEvent) => boolean,
    limitMs: number,
    onEvent: (event: FlashNextEvent) => void = () => {},
  ): Promise<FlashNextEvent> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`flash-next: nothing expected within ${limitMs} ms. ${stderr}`)),
        limitMs,
      );
    });
    try {
      for (;;) {
        const next = await Promise.race([lines.next(), timeout]);
        if (next.done) throw new Error(`flash-next ended early: ${stderr}`);
        const event = JSON.parse(next.value) as FlashNextEvent;
        if (event.event === 'failed') throw new Error(`flash-next failed: ${event.error?.message}`);
        onEvent(event);
        if (accept(event)) return event;
      }
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    until,
    exited,
    stderr: () => stderr,
    async stop(): Promise<void> {
      child.kill('SIGINT');
      const killLater = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killLater);
    },
  };
}

/** flash-next's status event asking for a card. */
export const asksForCard = (event: FlashNextEvent): boolean =>
  event.event === 'status' && /^Insert the card/.test(event.message ?? '');
