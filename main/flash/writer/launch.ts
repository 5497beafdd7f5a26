import { spawn } from 'node:child_process';

import type { WriterRendezvous } from './host';

export interface WriterCommand {
  /** The program that runs JavaScript: node, or the Electron binary with ELECTRON_RUN_AS_NODE. */
  executable: string;
  /** The built writer entry (out/main/writer.js). */
  script: string;
  env?: Record<string, string>;
}

/**
 * How the writer is started: directly when we are already root (CLI under sudo, CI), else through
 * the platform's elevation prompt (pkexec / osascript / UAC via @vscode/sudo-prompt). The GUI itself
 * never runs as root. Returns a function that reports a failed start (prompt cancelled).
 */
export function writerLauncher(
  command: WriterCommand,
  isRoot = process.getuid?.() === 0,
): (rendezvous: WriterRendezvous, onFailure: (message: string) => void) => void {
  return (rendezvous, onFailure) => {
    const args = [command.script, rendezvous.dir];
    if (isRoot) {
      const child = spawn(command.executable, args, {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, ...command.env },
      });
      child.on('error', (error) => onFailure(`The writer could not start: ${error.message}`));
      child.on('exit', (code) => {
        if (code) onFailure(`The writer exited with code ${code}`);
      });
      return;
    }
    const quoted = [command.executable, ...args].map(shellQuote).join(' ');
    const refused = (error: unknown) => {
      const detail = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '');
      onFailure(
        `The writer needs administrator rights to write the card: ${detail}. ${elevationAdvice(detail)}`,
      );
    };
    // Loaded only when a prompt is needed: as root (the CLI under sudo) it never is.
    import('@vscode/sudo-prompt')
      .then(({ default: sudo }) =>
        sudo.exec(quoted, { name: 'Kubeflash', env: command.env }, (error) => {
          if (error) refused(error);
        }),
      )
      .catch(refused);
  };
}

/** What to do when the elevation prompt could not be shown or was declined. */
function elevationAdvice(detail: string): string {
  if (/pkexec|kdesudo/i.test(detail)) {
    return 'Install polkit (it provides pkexec) and a desktop authentication agent, or run kubeflash with sudo.';
  }
  if (/did not grant permission/i.test(detail)) {
    return 'Flash again and confirm the administrator prompt.';
  }
  return 'Flash again, or run kubeflash as an administrator.';
}

function shellQuote(value: string): string {
  return process.platform === 'win32'
    ? `"${value.replace(/"/g, '""')}"`
    : `'${value.replace(/'/g, `'\\''`)}'`;
}
