import { KubeflashError } from '../../common/errors';

/** Turn a file-system error into a message that names the file and what to do. */
export function fileError(error: unknown, path: string, action: 'read' | 'write'): unknown {
  if (error instanceof KubeflashError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return action === 'read'
        ? new KubeflashError(
            'not-found',
            `There is no secrets file at ${path}. Check the path, or create the cluster's secrets first.`,
            path,
          )
        : new KubeflashError(
            'not-found',
            `Cannot write ${path}: its folder does not exist. Pick another location.`,
            path,
          );
    case 'EACCES':
    case 'EPERM':
      return new KubeflashError(
        'permission-denied',
        `Cannot ${action} ${path}: permission denied. Check the file's owner and permissions.`,
        path,
      );
    case 'EISDIR':
      return new KubeflashError(
        'invalid-request',
        `${path} is a folder, not a secrets file.`,
        path,
      );
    case 'ENOSPC':
      return new KubeflashError('unavailable', `Cannot write ${path}: the disk is full.`, path);
    default:
      return error;
  }
}
