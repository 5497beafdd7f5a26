import { Command, CommanderError } from 'commander';

import { appVersion } from '../app-version';
import { registerDrivesCommand } from './commands/drives';
import { registerFlashCommands } from './commands/flash';
import { registerImagesCommand } from './commands/images';
import { registerInitCommand } from './commands/init';
import { registerKubeconfigCommand } from './commands/kubeconfig';
import { registerLogsCommand } from './commands/logs';
import { registerNodesCommand } from './commands/nodes';
import { registerPayloadCommands } from './commands/payload';
import { registerServeCommand } from './commands/serve';
import { registerSmokeTestCommand } from './commands/smoke-test';
import { registerSshKeyCommand } from './commands/ssh-key';
import { registerStatusCommand } from './commands/status';
import { registerValidateCommand } from './commands/validate';
import { CliExit } from './exit';
import { type CliIo, processIo } from './io';

/**
 * Every command registers its name, options and help here, cheaply: its implementation
 * (`commands/<name>-action.ts`, and through it the flash engine, the PKI, the health probes…) is
 * loaded with `import()` only when that command runs, so `--version`, `--help` and a parse error
 * answer at once, and each command loads only what it uses.
 */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command('kubeflash')
    .description('Flash Raspberry Pi SD cards that boot into a Kubernetes cluster')
    .version(appVersion)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    });
  registerServeCommand(program, io);
  registerDrivesCommand(program, io);
  registerInitCommand(program, io);
  registerNodesCommand(program, io);
  registerValidateCommand(program, io);
  registerKubeconfigCommand(program, io);
  registerSshKeyCommand(program, io);
  registerPayloadCommands(program, io);
  registerFlashCommands(program, io);
  registerImagesCommand(program, io);
  registerStatusCommand(program, io);
  registerLogsCommand(program, io);
  registerSmokeTestCommand(program, io);
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliExit) return error.code;
    io.err(`kubeflash: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
