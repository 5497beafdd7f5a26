import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

// The build bundles any package that is not a declared dependency: a native module pulled in
// that way (lzma-native once) breaks the CLI at start. Every package the Node side imports must
// be declared in package.json `dependencies` (electron and type-only imports aside).
const root = join(import.meta.dirname, '..', '..');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/^import (?!type )[^;]*?from '([^.'][^']*)'/gm)].map(
    (m) => m[1]!,
  );
  return found
    .filter((name) => !name.startsWith('node:'))
    .map((name) =>
      name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0]!,
    );
}

describe('declared dependencies', () => {
  it('declares every package the Node side and the shared code import', () => {
    const missing = new Set<string>();
    for (const file of [...sources('main'), ...sources('common'), ...sources('preload')]) {
      for (const name of importedPackages(file)) {
        if (name !== 'electron' && !(name in packageJson.dependencies))
          missing.add(`${name} (${file.slice(root.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
  });
});
