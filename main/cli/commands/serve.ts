import { type Command, InvalidArgumentError } from 'commander';

import type { CliIo } from '../io';

export interface ServeOptions {
  port?: number;
  includeLoop?: boolean;
  configDir?: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError('a port is a whole number from 0 (any free port) to 65535');
  }
  return port;
}

export function registerServeCommand(program: Command, io: CliIo) {
  program
    .command('serve')
    .description('Serve the Kubeflash UI on 127.0.0.1 for a browser (headless flashing station)')
    .option('--port <port>', 'port to listen on (default: a random free port)', parsePort)
    .option('--include-loop', 'offer loop devices as drives (for tests)')
    .option('--config-dir <dir>', 'folder for settings (default: the user config folder)')
    .action(async (options: ServeOptions) =>
      (await import('./serve-action')).runServe(io, options),
    );
}
