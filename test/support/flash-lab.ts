import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { parseDocument } from 'yaml';

import { ClusterWorkspace, projectPaths } from '../../main/cluster';
import { type ServedApp, startServe } from './serve';

/**
 * A one-control-plane, one-worker plan on loopback addresses for the flash suites: once a card
 * is flashed the app watches the node, and its probes must stay on this machine. Cheap scrypt:
 * the server reads the parameters from the file.
 */
export async function createLoopbackLab(
  planPath: string,
  passphrase: string,
): Promise<{ hostnames: string[] }> {
  const view = await new ClusterWorkspace({ vault: { kdf: { N: 2 ** 10, r: 8, p: 1 } } }).create(
    planPath,
    {
      name: 'lab',
      subnet: '127.0.0.0/24',
      gateway: '127.0.0.1',
      dns: ['127.0.0.1'],
      firstIp: '127.0.0.11',
      workers: 1,
    },
    passphrase,
  );
  return { hostnames: view.cluster.spec.nodes.map((n) => n.hostname) };
}

/** Sets the plan's default image (spec.image.default) in the plan file itself. */
export function setDefaultImage(planPath: string, image: string): void {
  const document = parseDocument(readFileSync(planPath, 'utf8'));
  document.setIn(['spec', 'image', 'default'], image);
  writeFileSync(planPath, document.toString());
}

/** A node's status as the state file beside the plan records it, read from the file itself. */
export function recordedStatus(planPath: string, hostname: string): string | undefined {
  const state = JSON.parse(readFileSync(projectPaths(planPath).state, 'utf8')) as {
    nodes: Record<string, { status: string }>;
  };
  return state.nodes[hostname]?.status;
}

/** `kubeflash serve --include-loop` with its settings and image cache inside the test's folder. */
export function serveFlashStation(workDir: string, cacheHome: string): Promise<ServedApp> {
  return startServe(['--include-loop', '--config-dir', join(workDir, 'config')], {
    env: { XDG_CACHE_HOME: cacheHome },
  });
}
