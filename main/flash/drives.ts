import * as drivelist from 'drivelist';

import type { Drive } from '../../common/drives';
import { listLoopDevices } from './loop-devices';

export interface ListDrivesOptions {
  /** Also list attached loop devices (never by default). */
  includeLoop: boolean;
}

/** Every drive the machine has, system drives included: callers decide what to offer. */
export async function listDrives(options: ListDrivesOptions): Promise<Drive[]> {
  const [physical, loops] = await Promise.all([
    drivelist.list(),
    options.includeLoop ? listLoopDevices() : Promise.resolve([]),
  ]);
  return [...physical.map(fromDrivelist), ...loops];
}

export function fromDrivelist(drive: drivelist.Drive): Drive {
  return {
    device: drive.device,
    description: drive.description || drive.device,
    size: drive.size,
    removable: drive.isRemovable,
    system: drive.isSystem,
    readOnly: drive.isReadOnly,
    mountpoints: drive.mountpoints.map((m) => m.path),
    loop: false,
  };
}
