import { expect } from 'vitest';

import { DiskError } from '../../../../main/provision/disk';
import {
  type BootPayload,
  cgroupKernelArgs,
  type OsFamily,
} from '../../../../main/provision/model';
import { pseudoRandomBytes, run } from '../../../support/fixture-images';

export const firstrunArg = 'systemd.run=/boot/firmware/firstrun.sh';

/** A payload like the renderers make: a top-level file, nested new folders, binary content. */
export function samplePayload(family: OsFamily): BootPayload {
  return {
    family,
    files: [
      { path: 'user-data', content: Buffer.from('#cloud-config\nhostname: rpi-kube-worker-01\n') },
      {
        path: 'kubeflash/bootstrap/node.env',
        content: Buffer.from('NODE_NAME=rpi-kube-worker-01\nROLE=worker\n'),
      },
      { path: 'kubeflash/ssh/ssh_host_ed25519_key', content: pseudoRandomBytes(3000, 21) },
    ],
    edits: [{ path: 'cmdline.txt', ensure: [...cgroupKernelArgs, firstrunArg], remove: ['quiet'] }],
  };
}

export async function sha256(path: string): Promise<string> {
  return (await run('sha256sum', [path])).split(' ')[0] ?? '';
}

/** The DiskError a promise rejects with (the test fails if it resolves or throws another). */
export async function rejection(promise: Promise<unknown>): Promise<DiskError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DiskError);
  return error as DiskError;
}
