import type { CmdlineEdit } from '../model';

/**
 * Editing the kernel command line in cmdline.txt. Pure and idempotent: applying an edit to its
 * own result changes nothing. The Raspberry Pi firmware reads one line, so the result is always
 * one line; other arguments keep their order; the original's line ending is kept.
 */

export type CmdlineChange = Pick<CmdlineEdit, 'ensure' | 'remove'>;

export function editCmdline(text: string, edit: CmdlineChange): string {
  for (const arg of [...edit.ensure, ...edit.remove]) checkArgument(arg);
  const ending = /\r\n$/.test(text) ? '\r\n' : /\n$/.test(text) ? '\n' : '';
  const original = splitArguments(text);
  let args = original.filter((arg) => !edit.remove.some((r) => matchesRemoval(arg, r)));

  // A key that `ensure` lists more than once (cgroup_enable=cpuset, cgroup_enable=memory) takes
  // several values; any other `key=value` replaces every argument with that key.
  const keyCounts = new Map<string, number>();
  for (const arg of edit.ensure) {
    const key = keyOf(arg);
    if (key !== null) keyCounts.set(key, (keyCounts.get(key) ?? 0) + 1);
  }

  for (const wanted of edit.ensure) {
    const key = keyOf(wanted);
    const replaces = (arg: string): boolean =>
      arg === wanted || (key !== null && keyCounts.get(key) === 1 && keyOf(arg) === key);
    const at = args.findIndex(replaces);
    if (at === -1) {
      args.push(wanted);
      continue;
    }
    // Present exactly once, where the first match was.
    args = args.filter((arg, i) => i === at || !replaces(arg));
    args[at] = wanted;
  }

  const oneLine = !/[\r\n]/.test(text.slice(0, text.length - ending.length));
  // Nothing to change: leave the bytes alone (no needless write, no reformatting).
  if (oneLine && sameArguments(args, original)) return text;
  return args.join(' ') + ending;
}

/**
 * Splits a command line into arguments at whitespace (any line breaks included), keeping
 * double-quoted spans (`dyndbg="file x +p"`) inside one argument as the kernel does.
 */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && /\s/.test(ch)) {
      if (current) args.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) args.push(current);
  return args;
}

/** `key` of `key=value`, null for a bare flag such as `quiet`. */
function keyOf(arg: string): string | null {
  const eq = arg.indexOf('=');
  return eq > 0 ? arg.slice(0, eq) : null;
}

/** `key=` removes that key with any value; anything else removes that exact argument. */
function matchesRemoval(arg: string, removal: string): boolean {
  return removal.endsWith('=') ? arg.startsWith(removal) : arg === removal;
}

function sameArguments(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

function checkArgument(arg: string): void {
  if (!arg || splitArguments(arg).length !== 1 || splitArguments(arg)[0] !== arg) {
    throw new TypeError(`Invalid kernel argument ${JSON.stringify(arg)}: one argument, no spaces`);
  }
}
