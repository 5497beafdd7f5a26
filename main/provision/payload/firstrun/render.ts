import type { BootPayload } from '../../model';
import { bootstrapUnit, bootstrapUnitPath } from '../bootstrap-unit';
import { firstrunCmdlineEdit } from '../cmdline';
import { checkNoCollision, payloadContext } from '../context';
import type { PayloadInput } from '../input';
import { swapOffPath, swapOffScript } from '../swap-off';
import { nmConnectionPath } from './nm-keyfile';
import { type FirstrunFile, firstrunScript } from './script';

/**
 * firstrun.sh for Raspberry Pi OS Bookworm (and the cmdline.txt arguments that start it). All
 * secrets live inside the script, which deletes itself after its one run.
 */
export function renderFirstrun(input: PayloadInput): BootPayload {
  const ctx = payloadContext(input, 'firstrun');
  const own: FirstrunFile[] = [
    { path: swapOffPath, content: swapOffScript(), mode: 0o755, secret: false },
    {
      path: bootstrapUnitPath,
      content: bootstrapUnit(ctx.bundle.entryPoint),
      mode: 0o644,
      secret: false,
    },
  ];
  checkNoCollision(ctx.bundle, [
    ...own.map((file) => file.path),
    nmConnectionPath(ctx.network),
    '/etc/sudoers.d/010_kubeflash-nopasswd',
    '/etc/ssh/sshd_config.d/10-kubeflash.conf',
    '/etc/ssh/ssh_host_ed25519_key',
    '/etc/ssh/ssh_host_rsa_key',
  ]);
  const text = firstrunScript(ctx, [...ctx.bundle.files, ...own]);
  return {
    family: ctx.family,
    files: [{ path: 'firstrun.sh', content: new TextEncoder().encode(text) }],
    edits: [firstrunCmdlineEdit(ctx.network)],
  };
}
