/** The longest file name an upload keeps (the ending is kept when a name is cut). */
const maxNameLength = 120;

/**
 * A safe file name for an uploaded image, from the name the browser gave: its last path part,
 * letters, digits and `._+-` only (anything else becomes `_`), no leading dots, at most 120
 * characters with the ending kept (the ending names the format to the user). Null when nothing
 * usable is left.
 */
export function sanitiseUploadName(given: string | null): string | null {
  if (given === null) return null;
  const last = given.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = last.replace(/[^\p{L}\p{N}._+-]/gu, '_').replace(/^[.]+/, '');
  if (name.length > maxNameLength) {
    const ending = /(\.[\p{L}\p{N}]{1,8}){1,2}$/u.exec(name)?.[0] ?? '';
    name = name.slice(0, maxNameLength - ending.length) + ending;
  }
  return name === '' || /^_+$/.test(name) ? null : name;
}
