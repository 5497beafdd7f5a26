import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';

import {
  type Cluster,
  type ClusterNode,
  createCluster,
  type DistributionName,
} from '../../../../common/cluster';
import { generateClusterSecrets } from '../../../../main/cluster';
import { distributionFiles } from '../../../../main/distro/config';
import type { NodeFile } from '../../../../main/provision/model';
import type { Secrets } from '../../../../main/secrets';

/** Example addresses only: nothing in these tests sends a packet anywhere. */
export const VIP = '192.168.1.10';
export const FIRST_IP = '192.168.1.11';

export interface PlanOptions {
  vip?: boolean;
  addons?: boolean;
}

/**
 * A plan made by the project's own code: with a virtual IP, 3 control planes and 2 workers;
 * without, 1 control plane and 1 worker (the endpoint is then the init node). `addons` turns
 * MetalLB, the NFS provisioner and the dashboard on.
 */
export function plan(distribution: DistributionName, options: PlanOptions = {}): Cluster {
  const cluster = createCluster({
    name: 'lab',
    distribution,
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: ['192.168.1.1'],
    firstIp: FIRST_IP,
    controlPlanes: options.vip ? 3 : 1,
    workers: options.vip ? 2 : 1,
    ...(options.vip ? { virtualIP: VIP } : {}),
  });
  if (options.addons) {
    cluster.spec.addons = {
      metallb: { enabled: true, addresses: '192.168.1.200-192.168.1.220' },
      nfs: { enabled: true, server: '192.168.1.5', path: '/srv/nfs/k8s', storageClass: 'shared' },
      dashboard: { enabled: true },
    };
  }
  return cluster;
}

const secretsCache = new Map<DistributionName, Promise<Secrets>>();

/**
 * One vault per distribution for the whole file: the distribution files depend on its CAs and
 * tokens only, not on the VIP, the add-ons or the nodes' SSH host keys (left out: they are slow
 * to make and nothing here reads them).
 */
export function secretsFor(distribution: DistributionName): Promise<Secrets> {
  let secrets = secretsCache.get(distribution);
  if (!secrets) {
    const cluster = plan(distribution);
    secrets = generateClusterSecrets({ ...cluster, spec: { ...cluster.spec, nodes: [] } });
    secretsCache.set(distribution, secrets);
  }
  return secrets;
}

export type RoleCase = 'init' | 'joining control plane' | 'worker';

/** A parsed YAML document, read loosely by the assertions. */
export type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * For a describe block: the distribution's secrets (made before its tests) and the
 * distribution files of a plan's node in a role, rendered with them.
 */
export function useDistributionSecrets(distribution: DistributionName) {
  const fixture = {
    secrets: undefined as unknown as Secrets,
    filesOf: (cluster: Cluster, role: RoleCase) =>
      distributionFiles(cluster, nodeOf(cluster, role), fixture.secrets),
  };
  beforeAll(async () => {
    fixture.secrets = await secretsFor(distribution);
  });
  return fixture;
}

export function nodeOf(cluster: Cluster, role: RoleCase): ClusterNode {
  const node = cluster.spec.nodes.find((n) =>
    role === 'init'
      ? n.init
      : role === 'worker'
        ? n.role === 'worker'
        : n.role === 'control-plane' && !n.init,
  );
  if (!node) throw new Error(`The plan has no ${role} node`);
  return node;
}

export function fileAt(files: NodeFile[], path: string): NodeFile {
  const file = files.find((f) => f.path === path);
  if (!file) throw new Error(`No ${path} among ${files.map((f) => f.path).join(', ')}`);
  return file;
}

/** Every YAML document of a file, parsed strictly (any YAML error fails). */
export function yamlDocuments(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((doc) => {
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS() as Record<string, unknown>;
  });
}

/** Runs `fn` with a private temporary folder, removed afterwards. */
export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-distro-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `kubectl kustomize` over one manifest: an offline check (no API server) that every document
 * is a well-formed object with apiVersion, kind and metadata.name, and no object is repeated.
 * Returns the error text, or null when kustomize accepted it.
 */
export function kustomizeCheck(manifest: string): string | null {
  return withTempDir((dir) => {
    writeFileSync(join(dir, 'manifest.yaml'), manifest);
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - manifest.yaml\n');
    try {
      execFileSync('kubectl', ['kustomize', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
      return null;
    } catch (error) {
      return String((error as { stderr?: Buffer }).stderr ?? error);
    }
  });
}
