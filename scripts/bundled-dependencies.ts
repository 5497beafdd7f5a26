import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';

import type { Plugin } from 'vite';

/**
 * Dependencies built into the Node-side bundle (out/main) instead of loaded from node_modules
 * at run time: pure JavaScript on the path of every flash. The CLI and the writer are separate
 * processes that each load these cold, as hundreds of small files (zod and yaml alone are about
 * 200); built in, each process starts about 0.1 s sooner (bench/, `kubeflash flash`).
 * Their own dependencies come along unless listed in `unbundledDependencies`.
 */
export const bundledDependencies = [
  'zod',
  'yaml',
  'commander',
  'ipaddr.js',
  'etcher-sdk',
  'file-disk',
  'partitioninfo',
  'balena-image-fs',
];

/**
 * Dependencies of bundled ones that must stay in node_modules:
 * - fatfs calls fifolock's methods unbound, relying on sloppy-mode `this`; the bundle is an ES
 *   module, which is strict, and that code would throw there;
 * - ext2fs assigns to constants (in code that never runs), which bundlers refuse;
 * - xxhash-addon, mountutils and usb are native addons: each finds its binary beside its files.
 * The guard below refuses any other native addon that would be built in.
 */
export const unbundledDependencies = ['fatfs', 'ext2fs', 'xxhash-addon', 'mountutils', 'usb'];

/**
 * Fails the build when a module of a native addon (a package with a binding.gyp or prebuilt
 * binaries) would be built into the bundle: it would look for its binary beside the bundle and
 * fail only at run time ("No native build was found").
 */
export function nativeAddonGuard(): Plugin {
  const checked = new Map<string, boolean>();
  const isNativeAddon = (packageRoot: string) => {
    let native = checked.get(packageRoot);
    if (native === undefined) {
      native = ['binding.gyp', 'prebuilds'].some((name) => existsSync(join(packageRoot, name)));
      checked.set(packageRoot, native);
    }
    return native;
  };
  return {
    name: 'kubeflash-native-addon-guard',
    apply: 'build',
    load(id) {
      const root = packageRootOf(id);
      if (root && isNativeAddon(root)) {
        this.error(
          `${root} is a native addon and would be built into the bundle; add its name to unbundledDependencies (scripts/bundled-dependencies.ts)`,
        );
      }
      return null;
    },
  };
}

/** The folder of the package (node_modules/name or node_modules/@scope/name) a file is in. */
function packageRootOf(id: string): string | null {
  const marker = `${sep}node_modules${sep}`;
  const at = id.lastIndexOf(marker);
  if (at < 0) return null;
  const parts = id.slice(at + marker.length).split(sep);
  const nameParts = parts[0]?.startsWith('@') ? 2 : 1;
  if (parts.length <= nameParts) return null;
  return id.slice(0, at + marker.length) + parts.slice(0, nameParts).join(sep);
}
