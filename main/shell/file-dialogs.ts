import { imageFileExtensions } from '../../common/flash';
import type { FileDialogKind } from '../rpc';

export interface FileDialogSpec {
  type: 'open' | 'save';
  filters: { name: string; extensions: string[] }[];
  defaultPath?: string;
}

/** The native dialog for each purpose. No electron import here, so the test runs in plain Node. */
export function fileDialogSpec(kind: FileDialogKind): FileDialogSpec {
  const cluster = [{ name: 'Cluster file', extensions: ['yaml', 'yml'] }];
  switch (kind) {
    case 'open-cluster':
      return { type: 'open', filters: cluster };
    case 'save-cluster':
      return { type: 'save', filters: cluster, defaultPath: 'cluster.yaml' };
    case 'open-image':
      return {
        type: 'open',
        filters: [
          { name: 'Disk image', extensions: [...imageFileExtensions] },
          { name: 'All files', extensions: ['*'] },
        ],
      };
  }
}
