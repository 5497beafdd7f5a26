/** English: app, nav, common, settings. */
export const appMessages = {
  app: { title: 'Kubeflash', disconnected: 'Connection to Kubeflash lost — reconnecting…' },
  nav: {
    cluster: 'Cluster',
    nodes: 'Nodes',
    image: 'Image',
    flash: 'Flash',
    health: 'Health',
    settings: 'Settings',
  },
  common: {
    loading: 'Loading…',
    retry: 'Try again',
    error: 'Something went wrong',
    cancel: 'Cancel',
    browse: 'Browse…',
  },
  settings: {
    language: 'Language',
    theme: 'Theme',
    themeSystem: 'Follow the system',
    themeLight: 'Light',
    themeDark: 'Dark',
    includeLoop: 'Offer loop devices as drives (testing and image work)',
    saved: 'Settings saved',
    cardDoneAlerts: 'Play a sound and show a notification when a card is done',
    cacheHeading: 'Image cache',
    cacheHint:
      'Downloaded and decompressed images, kept so the next card is written straight away. The least recently used go first when the cache is full.',
    cacheDir: 'Folder',
    cacheUsage: 'Used',
    cacheUsageValue: '{{total}} of {{max}}',
    cacheEmpty: 'The cache is empty.',
    cacheSource: 'Image',
    cacheSize: 'Size',
    cacheArchiveSha256: 'SHA-256 of the archive',
    cacheInUse: 'in use',
    clearCache: 'Clear cache…',
    clearTitle: 'Clear the image cache?',
    clearBody_one:
      'The cached image ({{total}}) is deleted. It is downloaded or decompressed again when next needed. An image being written is kept.',
    clearBody_other:
      'All {{count}} cached images ({{total}}) are deleted. They are downloaded or decompressed again when next needed. Images being written are kept.',
    clear: 'Clear cache',
    cleared: 'The cache now holds {{total}}.',
  },
};
