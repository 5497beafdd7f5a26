import { resolve } from 'node:path';

import { writeFileAtomic } from '../../storage';
import { clusterPath } from '../cluster-option';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { SshKeyFlags } from './ssh-key';

export async function runSshKey(io: CliIo, flags: SshKeyFlags) {
  const path = clusterPath(flags);
  const user = (await unlockedWorkspace(path, flags)).secrets(path).ssh?.user;
  if (!user) throw new Error(`${path} has no SSH key in its secrets`);
  if (!flags.out) return io.out(user.publicKey);
  const out = resolve(flags.out);
  await writeFileAtomic(out, user.privateKey, { mode: 0o600 });
  await writeFileAtomic(`${out}.pub`, `${user.publicKey}\n`, { mode: 0o644 });
  io.out(`Wrote ${out} and ${out}.pub: ssh -i ${out} <user>@<node>`);
}
