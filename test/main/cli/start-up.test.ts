import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';

// What the built CLI loads before it does anything: each command's implementation is a chunk
// loaded with import() when that command runs (main/cli/commands/<name>-action.ts), so start-up
// (--version, --help, a parse error) loads commander and nothing else. Reads the build (out/main).
const outDir = join(import.meta.dirname, '..', '..', '..', 'out', 'main');

/** The packages a built chunk loads before it runs, following its static imports of chunks. */
function staticPackages(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const pending = [join(outDir, entry)];
  for (let file = pending.pop(); file; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(
      /^import (?:[^;]*? from )?"([^"]+)";/gm,
    )) {
      if (spec!.startsWith('.')) pending.push(resolve(dirname(file), spec!));
      else if (!spec!.startsWith('node:')) packages.add(spec!);
    }
  }
  return packages;
}

describe('CLI start-up (built output)', () => {
  it('loads only commander before a command runs', () => {
    expect([...staticPackages('cli.js')]).toEqual(['commander']);
  });

  it('loads the command implementations lazily, each from its own chunk', () => {
    const text = readFileSync(join(outDir, 'cli.js'), 'utf8');
    for (const command of ['flash', 'drives', 'serve', 'status']) {
      expect(text).toMatch(new RegExp(`import\\("\\./${command}-action-[\\w-]+\\.js"\\)`));
    }
  });

  it('flashes without loading the Kubernetes client (only a kubeadm rebuild needs it)', () => {
    const chunk = readdirSync(outDir).find((f) => /^flash-action-[\w-]+\.js$/.test(f));
    expect(chunk).toBeDefined();
    expect([...staticPackages(chunk!)]).not.toContain('@kubernetes/client-node');
  });

  it('flashes an .img.xz without loading what only other formats, Alpine or a prompt need', () => {
    // With the system tools at hand these are never used; each costs start-up (about 0.15 s
    // together) on the path of every card, and before the early decompression can begin.
    for (const name of ['flash-action', 'early-image']) {
      const chunk = readdirSync(outDir).find((f) => new RegExp(`^${name}-[\\w-]+\\.js$`).test(f));
      expect(chunk, name).toBeDefined();
      const packages = [...staticPackages(chunk!)];
      for (const unneeded of [
        'lzma-native',
        'unbzip2-stream',
        'fzstd',
        'yauzl',
        'tar-stream',
        '@vscode/sudo-prompt',
      ]) {
        expect(packages, `${name} loads ${unneeded}`).not.toContain(unneeded);
      }
    }
  });
});
