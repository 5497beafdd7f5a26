import type { PayloadContext } from '../context';
import type { CloudInitFamily } from './families';

/**
 * NoCloud meta-data. cloud-init reads only `instance-id` (DataSourceNoCloud, `iid_key`), so it
 * is always written; images that spell it `instance_id` get that key too, kept for anyone
 * reading the file the image's way. A fresh id per flash makes a re-flashed card a new instance.
 */
export function metaData(ctx: PayloadContext, family: CloudInitFamily): object {
  return {
    ...(family.dsmodeLocal ? { dsmode: 'local' } : {}),
    'instance-id': ctx.instanceId,
    ...(ctx.metaDataKey === 'instance_id' ? { instance_id: ctx.instanceId } : {}),
    'local-hostname': ctx.shortName,
  };
}
