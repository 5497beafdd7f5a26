import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { bundledDependencies } from '../../../scripts/bundled-dependencies';
import { createLabCluster, kubeflash } from '../../support/cli';

// What the built CLI loads before it does anything: each command's implementation is a chunk
// loaded with import() when that command runs (main/cli/commands/<name>-action.ts), so start-up
// (--version, --help, a parse error) loads the command table and nothing else. The packages on
// the path of every flash are built into the bundle (scripts/bundled-dependencies.ts). Reads the
// build (out/main).
const outDir = join(import.meta.dirname, '..', '..', '..', 'out', 'main');

/**
 * The CommonJS packages a CLI run really loaded (Node's module cache at exit), recorded by a
 * script preloaded with --require; this also sees packages loaded with require() at run time,
 * which no static import shows.
 */
async function packagesLoadedBy(dir: string, args: string[]): Promise<Set<string>> {
  return recordPackages(dir, async (env) => {
    const run = await kubeflash(dir, args, env);
    expect(run.code, run.stderr).toBe(0);
  });
}

/** Runs `run` with the recorder preloaded (through the environment it is given). */
async function recordPackages(
  dir: string,
  run: (env: NodeJS.ProcessEnv) => Promise<void>,
): Promise<Set<string>> {
  const recorder = join(dir, 'record-packages.cjs');
  const record = join(dir, 'packages.json');
  await writeFile(
    recorder,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)},
      JSON.stringify(Object.keys(require('node:module')._cache))));`,
  );
  await run({ NODE_OPTIONS: `--require ${recorder}` });
  const files = JSON.parse(await readFile(record, 'utf8')) as string[];
  return new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? ''));
}

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
  it('loads no package from node_modules before a command runs (commander is built in)', () => {
    expect([...staticPackages('cli.js')]).toEqual([]);
  });

  it('starts the writer with its pure-JavaScript packages built in, native addons loaded', async () => {
    // The writer starts for every card; each package it loads from node_modules costs it
    // start-up (zod alone is about 100 files). Started without an app to connect to, it loads
    // everything a flash needs, then exits.
    const dir = await mkdtemp(join(tmpdir(), 'kubeflash-start-up-'));
    try {
      const loaded = await recordPackages(dir, async (env) => {
        const writer = join(outDir, 'writer.js');
        const exit = await new Promise<number | null>((done) => {
          const child = spawn(process.execPath, [writer, join(dir, 'no-app-here')], {
            env: { ...process.env, ...env },
            stdio: 'ignore',
          });
          child.on('exit', done);
        });
        expect(exit).toBe(1); // could not connect
      });
      // The recorder (it sees CommonJS packages) works: the native addon the writer verifies
      // with is there. ES-module packages (zod) show in the writer's static imports instead.
      expect(loaded).toContain('xxhash-addon');
      const imported = staticPackages('writer.js');
      for (const builtIn of bundledDependencies) {
        expect(loaded, builtIn).not.toContain(builtIn);
        expect(imported, builtIn).not.toContain(builtIn);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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

  it("builds a k3s node's payload without loading the certificate or SSH libraries", async () => {
    // @peculiar/x509 and ssh2 cost about 0.3 s of CPU at start-up, on the path of every card;
    // only making or inspecting certificates and keys needs them (pki/x509.ts, ssh-keys.ts).
    const dir = await mkdtemp(join(tmpdir(), 'kubeflash-start-up-'));
    try {
      await createLabCluster(dir, { distribution: 'k3s' });
      const args = ['--node', 'rpi-kube-worker-01', '--os', 'ubuntu', '--passphrase-file', 'pass'];
      const loaded = await packagesLoadedBy(dir, ['payload', ...args, '--out', 'payload']);
      // The recorder works: fatfs (kept out of the bundle) is there.
      expect(loaded).toContain('fatfs');
      for (const unneeded of ['@peculiar/x509', 'reflect-metadata', 'ssh2']) {
        expect(loaded, unneeded).not.toContain(unneeded);
      }
      // The token's CA hash was still computed: the k3s config on the card holds the token.
      const userData = parse(await readFile(join(dir, 'payload', 'user-data'), 'utf8')) as {
        write_files: { path: string; content: string }[];
      };
      const config = userData.write_files.find((f) => f.path === '/etc/rancher/k3s/config.yaml');
      expect(Buffer.from(config!.content, 'base64').toString()).toMatch(
        /^token: K10[0-9a-f]{64}::server:[0-9a-f]+$/m,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
