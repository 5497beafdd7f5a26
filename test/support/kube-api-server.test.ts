import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildKubeconfig } from '../../main/pki';
import {
  clusterWithApiServer,
  loopbackAddress,
  planCluster,
  type PlannedCluster,
} from '../main/health/kube/fixture';
import type { KubeApiServer } from './kube-api-server';
import { hasCommand, requirePrerequisite } from './prerequisites';

const execFileAsync = promisify(execFile);

/*
 * kubectl as an independent client of the test API server: what it accepts from the server
 * (discovery, lists, watch streams, 410, refusals) a real cluster would have to serve too.
 */

let cluster: PlannedCluster;
let server: KubeApiServer;
let close: () => Promise<void>;
let kubeconfigFile: string;

beforeAll(async () => {
  ({ cluster, server, close } = await clusterWithApiServer());
  kubeconfigFile = join(cluster.dir, 'admin.kubeconfig');
  await writeFile(kubeconfigFile, cluster.kubeconfig, { mode: 0o600 });
  server.addNode('rpi-kube-cp-01', { role: 'control-plane', ready: true });
  server.addNode('rpi-kube-worker-01', { ready: false });
  server.addPod({
    namespace: 'kube-system',
    name: 'coredns-1',
    node: 'rpi-kube-cp-01',
    phase: 'Running',
  });
});

afterAll(async () => {
  await close();
});

async function kubectl(file: string, ...args: string[]) {
  return execFileAsync('kubectl', ['--kubeconfig', file, '--request-timeout', '10s', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function needKubectl(ctx: { skip(note?: string): void }) {
  requirePrerequisite(ctx, hasCommand('kubectl'), 'kubectl is not installed (package kubectl)');
}

describe('the test API server, seen by kubectl with the generated kubeconfig', () => {
  it('lists nodes and kube-system pods', async (ctx) => {
    needKubectl(ctx);
    const nodes = JSON.parse((await kubectl(kubeconfigFile, 'get', 'nodes', '-o', 'json')).stdout);
    expect(nodes.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      'rpi-kube-cp-01',
      'rpi-kube-worker-01',
    ]);
    expect(nodes.items[0].status.nodeInfo.kubeletVersion).toBe('v1.31.4');
    const pods = JSON.parse(
      (await kubectl(kubeconfigFile, 'get', 'pods', '-n', 'kube-system', '-o', 'json')).stdout,
    );
    expect(pods.items[0].status.phase).toBe('Running');
  });

  it('streams watch events after a resourceVersion, and 410 Gone once compacted', async (ctx) => {
    needKubectl(ctx);
    const from = server.resourceVersion;
    server.setNodeReady('rpi-kube-worker-01', true);
    const watch = await kubectl(
      kubeconfigFile,
      'get',
      '--raw',
      `/api/v1/nodes?watch=1&resourceVersion=${from}&timeoutSeconds=1`,
    );
    const events = watch.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('MODIFIED');
    expect(events[0].object.metadata.name).toBe('rpi-kube-worker-01');
    expect(Number(events[0].object.metadata.resourceVersion)).toBeGreaterThan(Number(from));

    server.compact();
    const gone = await kubectl(
      kubeconfigFile,
      'get',
      '--raw',
      `/api/v1/nodes?watch=1&resourceVersion=${from}`,
    );
    expect(JSON.parse(gone.stdout.trim())).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired' },
    });
  });

  it('refuses a client certificate from another cluster', async (ctx) => {
    needKubectl(ctx);
    const other = await planCluster(loopbackAddress(), { name: 'other' });
    try {
      const caData = /certificate-authority-data: (\S+)/.exec(cluster.kubeconfig)![1]!;
      const file = join(cluster.dir, 'foreign.kubeconfig');
      await writeFile(
        file,
        buildKubeconfig({
          clusterName: 'lab',
          contextName: 'lab',
          server: server.url,
          certificateAuthorityPem: Buffer.from(caData, 'base64').toString('utf8'),
          clientCertificatePem: other.secrets.admin!.certificatePem,
          clientKeyPem: other.secrets.admin!.privateKeyPem,
        }),
        { mode: 0o600 },
      );
      await expect(kubectl(file, 'get', 'nodes', '-o', 'json')).rejects.toThrow(/Unauthorized/);
      // And the other cluster's own kubeconfig does not even trust this server.
      const otherFile = join(cluster.dir, 'other.kubeconfig');
      await writeFile(otherFile, other.kubeconfig.replace(/server: \S+/, `server: ${server.url}`), {
        mode: 0o600,
      });
      await expect(kubectl(otherFile, 'get', 'nodes')).rejects.toThrow(/certificate/);
    } finally {
      await other.remove();
    }
  });
});
