import { describe, expect, it } from 'vitest';

import { fileDialogSpec } from '../../../main/shell/file-dialogs';

describe('native file dialogs', () => {
  it('opens and saves cluster files as YAML', () => {
    expect(fileDialogSpec('open-cluster')).toEqual({
      type: 'open',
      filters: [{ name: 'Cluster file', extensions: ['yaml', 'yml'] }],
    });
    expect(fileDialogSpec('save-cluster')).toMatchObject({
      type: 'save',
      defaultPath: 'cluster.yaml',
    });
  });

  it('opens image files of every supported format, and anything else on request', () => {
    const spec = fileDialogSpec('open-image');
    expect(spec.type).toBe('open');
    expect(spec.filters[0]!.extensions.sort()).toEqual(['bz2', 'gz', 'img', 'xz', 'zip', 'zst']);
    // Formats are detected by content: a file without the usual ending can still be chosen.
    expect(spec.filters[1]).toEqual({ name: 'All files', extensions: ['*'] });
  });
});
