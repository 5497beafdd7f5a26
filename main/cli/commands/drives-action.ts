import { listDrives } from '../../flash';
import { formatBytes, formatTable } from '../format';
import type { CliIo } from '../io';
import type { DrivesFlags } from './drives';

export async function runDrives(io: CliIo, options: DrivesFlags) {
  const drives = await listDrives({ includeLoop: Boolean(options.includeLoop) });
  if (options.json) {
    io.out(JSON.stringify(drives, null, 2));
    return;
  }
  if (drives.length === 0) {
    io.out('No drives found. Insert a card, or pass --include-loop for loop devices.');
    return;
  }
  const flags = (d: (typeof drives)[number]) =>
    [d.system && 'system', d.removable && 'removable', d.readOnly && 'read-only', d.loop && 'loop']
      .filter(Boolean)
      .join(',');
  io.out(
    formatTable(
      ['DEVICE', 'SIZE', 'FLAGS', 'DESCRIPTION', 'MOUNTED AT'],
      drives.map((d) => [
        d.device,
        formatBytes(d.size),
        flags(d),
        d.description,
        d.mountpoints.join(','),
      ]),
    ),
  );
}
