import { appMessages } from './en/app';
import { clusterMessages } from './en/cluster';
import { flashMessages } from './en/flash';
import { healthMessages } from './en/health';
import { imageMessages } from './en/image';
import { nodesMessages } from './en/nodes';

/** English, one file per feature under en/; the other languages must have every key. */
export const en = {
  ...appMessages,
  ...clusterMessages,
  ...nodesMessages,
  ...imageMessages,
  ...flashMessages,
  ...healthMessages,
};

export type Messages = typeof en;
