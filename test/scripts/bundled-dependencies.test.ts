import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { nativeAddonGuard } from '../../scripts/bundled-dependencies';

const nodeModules = join(import.meta.dirname, '..', '..', 'node_modules');

/** What the guard does when the bundler loads `id`: the error it raised, or null. */
function guardOn(id: string): string | null {
  const load = nativeAddonGuard().load as (this: unknown, id: string) => unknown;
  try {
    load.call(
      {
        error: (message: string) => {
          throw new Error(message);
        },
      },
      id,
    );
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('the build guard against native addons in the bundle', () => {
  it('refuses a module of a native addon, naming the package and what to do', () => {
    const refusal = guardOn(join(nodeModules, 'xxhash-addon', 'xxhash-addon.js'));
    expect(refusal).toContain(join(nodeModules, 'xxhash-addon'));
    expect(refusal).toContain('add its name to unbundledDependencies');
  });

  it('finds scoped packages (a binding.gyp in @ronomon/direct-io)', () => {
    expect(guardOn(join(nodeModules, '@ronomon', 'direct-io', 'index.js'))).toContain(
      join(nodeModules, '@ronomon', 'direct-io'),
    );
  });

  it('lets pure JavaScript and the project’s own files through', () => {
    expect(guardOn(join(nodeModules, 'zod', 'index.js'))).toBeNull();
    expect(guardOn(join(nodeModules, 'etcher-sdk', 'build', 'multi-write.js'))).toBeNull();
    expect(guardOn(join(import.meta.dirname, '..', '..', 'main', 'cli', 'index.ts'))).toBeNull();
  });
});
