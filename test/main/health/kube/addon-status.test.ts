import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addonStatuses, addonWorkloads } from '../../../../main/health/kube';
import type { KubeApiServer } from '../../../support/kube-api-server';
import { clusterWithApiServer, type PlannedCluster } from './fixture';

let cluster: PlannedCluster;
let server: KubeApiServer;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ cluster, server, close } = await clusterWithApiServer());
});

afterAll(async () => {
  await close();
});

describe('addonStatuses', () => {
  it('watches the workloads the add-on manifests deploy', () => {
    expect(addonWorkloads('metallb')).toEqual([
      { kind: 'Deployment', namespace: 'metallb-system', name: 'controller' },
      { kind: 'DaemonSet', namespace: 'metallb-system', name: 'speaker' },
    ]);
    expect(addonWorkloads('nfs')).toEqual([
      { kind: 'Deployment', namespace: 'nfs-provisioner', name: 'nfs-client-provisioner' },
    ]);
    expect(
      addonWorkloads('dashboard')
        .map((w) => w.name)
        .sort(),
    ).toEqual(['dashboard-metrics-scraper', 'kubernetes-dashboard']);
  });

  it('reports missing, progressing and ready as the workloads come up, only for enabled add-ons', async () => {
    const enabled = ['metallb', 'nfs'] as const;
    expect(await addonStatuses(cluster.kubeconfig, enabled)).toEqual([
      expect.objectContaining({ addon: 'metallb', state: 'missing' }),
      expect.objectContaining({ addon: 'nfs', state: 'missing' }),
    ]);

    server.addDeployment({
      namespace: 'metallb-system',
      name: 'controller',
      replicas: 1,
      readyReplicas: 1,
    });
    server.addDaemonSetStatus({
      namespace: 'metallb-system',
      name: 'speaker',
      desired: 4,
      ready: 2,
    });
    server.addDeployment({
      namespace: 'nfs-provisioner',
      name: 'nfs-client-provisioner',
      replicas: 1,
      readyReplicas: 1,
    });
    const [metallb, nfs] = await addonStatuses(cluster.kubeconfig, enabled);
    expect(metallb).toMatchObject({ addon: 'metallb', state: 'progressing' });
    expect(metallb!.detail).toContain('DaemonSet metallb-system/speaker: 2/4 nodes available');
    expect(nfs).toMatchObject({ addon: 'nfs', state: 'ready' });

    server.addDaemonSetStatus({
      namespace: 'metallb-system',
      name: 'speaker',
      desired: 4,
      ready: 4,
    });
    expect((await addonStatuses(cluster.kubeconfig, enabled))[0]).toMatchObject({ state: 'ready' });
    expect(await addonStatuses(cluster.kubeconfig, [])).toEqual([]);
  });

  it('throws a clear error when the API cannot be reached', async () => {
    await server.stop();
    try {
      await expect(addonStatuses(cluster.kubeconfig, ['dashboard'])).rejects.toThrow(
        /Could not read Deployment kubernetes-dashboard\/.* from https:\/\/127\./,
      );
    } finally {
      await server.start();
    }
  });
});
