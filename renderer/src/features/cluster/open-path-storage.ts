/** The cluster file open in the last session, so a reload (or the next start) reopens it. */
const storageKey = 'kubeflash.clusterPath';

export function readOpenPath(): string | null {
  return localStorage.getItem(storageKey);
}

export function rememberOpenPath(path: string): void {
  localStorage.setItem(storageKey, path);
}

export function forgetOpenPath(): void {
  localStorage.removeItem(storageKey);
}
