// Boot payloads: one node's files and cmdline.txt edits for the FAT boot partition, one
// renderer per OS family's format (cloud-init, firstrun, apkovl). Plain TypeScript, no Electron.
import { type BootPayload, payloadFormatOf } from '../model';
import { renderApkovl } from './apkovl/render';
import { renderCloudInit } from './cloud-init/render';
import { renderFirstrun } from './firstrun/render';
import type { PayloadInput } from './input';

export { isApkovlName, renderApkovl } from './apkovl/render';
export { bootstrapDoneMarker, bootstrapLogTag, bootstrapUnitName } from './bootstrap-unit';
export { cloudInitFamilies } from './cloud-init/families';
export { cloudInit079Keys, cloudInit079Modules } from './cloud-init/modules-0.7.9';
export { renderCloudInit } from './cloud-init/render';
export { firstrunBootPath, firstrunKernelArgs } from './cmdline';
export { renderFirstrun } from './firstrun/render';
export type { PayloadInput, PayloadOptions } from './input';
export { newInstanceId } from './instance-id';
export { checkPasswordHash, hashPassword, type PasswordHashFormat } from './password';
export { wifiPsk } from './wifi-psk';

/** The payload for the input's OS family. Async because the apkovl renderer is. */
export async function renderPayload(input: PayloadInput): Promise<BootPayload> {
  switch (payloadFormatOf[input.family]) {
    case 'cloud-init':
      return renderCloudInit(input);
    case 'firstrun':
      return renderFirstrun(input);
    case 'apkovl':
      return renderApkovl(input);
  }
}
