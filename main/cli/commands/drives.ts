import type { Command } from 'commander';

import type { CliIo } from '../io';

export interface DrivesFlags {
  json?: boolean;
  includeLoop?: boolean;
}

export function registerDrivesCommand(program: Command, io: CliIo) {
  program
    .command('drives')
    .description('List drives (system drives are marked; they are never offered for flashing)')
    .option('--json', 'print JSON for scripts')
    .option('--include-loop', 'also list attached loop devices (for tests and image work)')
    .action(async (flags: DrivesFlags) => (await import('./drives-action')).runDrives(io, flags));
}
