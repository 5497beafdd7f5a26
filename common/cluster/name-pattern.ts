/**
 * Name sequences for adding many nodes at once: `rpi-kube-worker-{01..12}` gives
 * rpi-kube-worker-01 … rpi-kube-worker-12 (the width of the first bound sets zero padding);
 * `{1..3}` gives 1, 2, 3. A name without a range is one name.
 */
export const maxNodesPerAdd = 250;

export function expandNamePattern(pattern: string): string[] {
  const ranges = [...pattern.matchAll(/\{(\d+)\.\.(\d+)\}/g)];
  if (ranges.length === 0) {
    if (/[{}]/.test(pattern)) throw new Error(`"${pattern}": a range is written {01..12}`);
    return [pattern];
  }
  if (ranges.length > 1) throw new Error(`"${pattern}": use one {from..to} range per pattern`);
  const [whole, fromText, toText] = ranges[0]! as unknown as [string, string, string];
  const from = Number(fromText);
  const to = Number(toText);
  if (to < from)
    throw new Error(`"${pattern}": the range ${whole} counts down; write {${to}..${from}}`);
  if (to - from + 1 > maxNodesPerAdd) {
    throw new Error(`"${pattern}": ${to - from + 1} names is more than ${maxNodesPerAdd} at once`);
  }
  const index = pattern.indexOf(whole);
  if (/[{}]/.test(pattern.slice(0, index) + pattern.slice(index + whole.length))) {
    throw new Error(`"${pattern}": a range is written {01..12}; remove the stray brace`);
  }
  const width = fromText.startsWith('0') ? fromText.length : 0;
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const number = String(from + i).padStart(width, '0');
    return pattern.slice(0, index) + number + pattern.slice(index + whole.length);
  });
}
