import { fileURLToPath } from 'node:url';

import { appName, appVersion } from '../../app-version';
import { createBackend } from '../../backend';
import { startWebServer } from '../../server';
import { defaultConfigDir } from '../config-dir';
import { cliWriterCommand } from '../flash-context';
import type { CliIo } from '../io';
import type { ServeOptions } from './serve';

export async function runServe(io: CliIo, options: ServeOptions): Promise<void> {
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
