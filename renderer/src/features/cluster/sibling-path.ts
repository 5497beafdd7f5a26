/** A file beside `path` (same folder, same separator), for suggested file names. */
export function siblingPath(path: string, fileName: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return fileName;
  return path.slice(0, cut + 1) + fileName;
}
