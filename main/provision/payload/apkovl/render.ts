import type { BootPayload } from '../../model';
import { nodeCmdlineEdit } from '../cmdline';
import { payloadContext } from '../context';
import type { PayloadInput } from '../input';
import { overlayEntries, overlayName } from './overlay';
import { tarGz } from './tar-gz';

/**
 * Alpine's initramfs applies the one `*.apkovl.tar.gz` at the root of the boot media
 * (mkinitfs initramfs-init `find_ovl`: with more than one it reads none), so the card must carry
 * no other overlay. Use this to find ones to remove.
 */
export function isApkovlName(fileName: string): boolean {
  return /\.apkovl\.tar\.gz/.test(fileName) && !fileName.includes('/');
}

/**
 * The node's Alpine overlay `<hostname>.apkovl.tar.gz` on the FAT partition, plus the cmdline
 * arguments. Async because tar-stream packs through a stream.
 */
export async function renderApkovl(input: PayloadInput): Promise<BootPayload> {
  const ctx = payloadContext(input, 'apkovl');
  const archive = await tarGz(overlayEntries(ctx), ctx.flashedAt);
  return {
    family: ctx.family,
    files: [{ path: overlayName(ctx), content: archive }],
    edits: [nodeCmdlineEdit(ctx.network)],
  };
}
