import type { Messages } from '../en';

/** 简体中文: app, nav, common, settings. */
export const appMessages = {
  app: { title: 'Kubeflash', disconnected: '与 Kubeflash 的连接已断开——正在重新连接…' },
  nav: {
    cluster: '集群',
    nodes: '节点',
    image: '镜像',
    flash: '烧录',
    health: '健康状态',
    settings: '设置',
  },
  common: {
    loading: '加载中…',
    retry: '重试',
    error: '出错了',
    cancel: '取消',
    browse: '浏览…',
  },
  settings: {
    language: '语言',
    theme: '主题',
    themeSystem: '跟随系统',
    themeLight: '浅色',
    themeDark: '深色',
    includeLoop: '将回环设备作为驱动器列出（用于测试和镜像处理）',
    saved: '设置已保存',
    cardDoneAlerts: '存储卡完成时播放提示音并显示通知',
    cacheHeading: '镜像缓存',
    cacheHint:
      '已下载和解压的镜像保存在这里，下一张卡可以直接写入。缓存满时，最久未使用的镜像会先被删除。',
    cacheDir: '文件夹',
    cacheUsage: '已用',
    cacheUsageValue: '{{total}} / {{max}}',
    cacheEmpty: '缓存为空。',
    cacheSource: '镜像',
    cacheSize: '大小',
    cacheArchiveSha256: '压缩包的 SHA-256',
    cacheInUse: '使用中',
    clearCache: '清空缓存…',
    clearTitle: '要清空镜像缓存吗？',
    clearBody_one:
      '缓存的镜像（{{total}}）将被删除，下次需要时会重新下载或解压。正在写入的镜像会保留。',
    clearBody_other:
      '全部 {{count}} 个缓存镜像（{{total}}）将被删除，下次需要时会重新下载或解压。正在写入的镜像会保留。',
    clear: '清空缓存',
    cleared: '缓存现在占用 {{total}}。',
  },
} satisfies Pick<Messages, 'app' | 'nav' | 'common' | 'settings'>;
