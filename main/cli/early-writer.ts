import { fileURLToPath } from 'node:url';

import { startWriter, type WriterConnection } from '../flash/writer/host';
import { writerLauncher } from '../flash/writer/launch';

/** The built writer beside this bundle (out/main/writer.js), run by this same Node. */
export function cliWriterCommand() {
  return {
    executable: process.execPath,
    script: fileURLToPath(new URL('./writer.js', import.meta.url)),
  };
}

/**
 * Starts the writer at once when that needs no elevation prompt (already root: CLI under sudo,
 * CI), so that it loads its modules while this process loads its own and unlocks the secrets;
 * on a warm cache the card is otherwise waiting for it. Null when a prompt would be needed: that
 * must not appear under the passphrase prompt, so the writer then starts on first use. A failed
 * start is reported where the writer is used.
 */
export function startWriterEarly(
  isRoot = process.getuid?.() === 0,
): Promise<WriterConnection> | null {
  if (!isRoot) return null;
  const started = startWriter({ launch: writerLauncher(cliWriterCommand(), true) });
  started.catch(() => {});
  return started;
}

/** Stops an early writer that no engine took over (the command failed before it flashed). */
export function stopEarlyWriter(started: Promise<WriterConnection> | null): void {
  void started?.then(
    (connection) => connection.close(),
    () => {},
  );
}
