import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

import { metaContentSecurityPolicy } from './main/security/content-security-policy';
import {
  bundledDependencies,
  nativeAddonGuard,
  unbundledDependencies,
} from './scripts/bundled-dependencies';

/** The CSP is defined once in main/security; the page gets it as a meta tag at build time. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'kubeflash-csp-meta',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: metaContentSecurityPolicy },
        injectTo: 'head-prepend',
      },
    ],
  };
}

// One section per process. The Node-side bundle has three entries: the Electron shell,
// the CLI (which also runs the web server) and, later, the elevated writer.
export default defineConfig({
  main: {
    plugins: [nativeAddonGuard()],
    build: {
      outDir: 'out/main',
      externalizeDeps: { exclude: [...bundledDependencies], include: [...unbundledDependencies] },
      rollupOptions: {
        input: {
          index: resolve('main/index.ts'),
          cli: resolve('main/cli/index.ts'),
          writer: resolve('main/writer/index.ts'),
        },
        // Shared and lazily loaded chunks (each CLI command's implementation) sit beside the
        // entries, not in chunks/: code that finds the writer or the renderer from its own
        // import.meta.url (main/cli/flash-context.ts, serve-action.ts) then works in any chunk.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require packages: bundle everything into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react(), contentSecurityPolicyMeta()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
