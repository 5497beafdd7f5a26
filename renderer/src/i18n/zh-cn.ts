import type { Messages } from './en';
import { appMessages } from './zh-cn/app';
import { clusterMessages } from './zh-cn/cluster';
import { flashMessages } from './zh-cn/flash';
import { healthMessages } from './zh-cn/health';
import { imageMessages } from './zh-cn/image';
import { nodesMessages } from './zh-cn/nodes';

/** 简体中文, one file per feature under zh-cn/. */
export const zhCN: Messages = {
  ...appMessages,
  ...clusterMessages,
  ...nodesMessages,
  ...imageMessages,
  ...flashMessages,
  ...healthMessages,
};
