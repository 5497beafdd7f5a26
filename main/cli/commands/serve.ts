import { fileURLToPath } from 'node:url';

import { type Command, InvalidArgumentError } from 'commander';

import { appName, appVersion } from '../../app-version';
import { createBackend } from '../../backend';
import { startWebServer } from '../../server';
import { defaultConfigDir } from '../config-dir';
import { cliWriterCommand } from '../flash-context';
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
    .action(async (options: ServeOptions) => {
      await serve(options, io);
    });
}

async function serve(options: ServeOptions, io: CliIo): Promise<void> {
  const backend = await createBackend({
    appInfo: {
      name: appName,
      version: appVersion,
      mode: 'web',
      platform: process.platform,
      fileDialogs: false,
      passphraseKeychain: false,
    },
    configDir: options.configDir ?? defaultConfigDir(),
    settingsOverrides: options.includeLoop ? { includeLoopDevices: true } : {},
    writer: cliWriterCommand(),
    log: (message) => io.err(message),
  });
  const server = await startWebServer({
    backend,
    rendererDir: fileURLToPath(new URL('../renderer', import.meta.url)),
    port: options.port,
  });
  io.out(`Kubeflash is serving on 127.0.0.1 only. Open: ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  backend.stop();
}
