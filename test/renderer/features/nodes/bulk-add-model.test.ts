import { describe, expect, it } from 'vitest';

import { addNodes, setNodeIp } from '../../../../common/cluster';
import {
  previewBulkAdd,
  suggestBulkAdd,
  toAddNodesRequest,
} from '../../../../renderer/src/features/nodes/bulk-add-model';
import { labCluster } from '../cluster/fixtures';

describe('bulk add', () => {
  it('previews exactly what addNodes adds', () => {
    const cluster = labCluster();
    const form = {
      namePattern: 'rpi-kube-worker-{03..04}',
      role: 'worker' as const,
      firstIp: '192.168.1.120',
    };
    const preview = previewBulkAdd(cluster, form);
    expect(preview.refusal).toBeNull();
    expect(preview.nodes).toEqual([
      { hostname: 'rpi-kube-worker-03', role: 'worker', ip: '192.168.1.120' },
      { hostname: 'rpi-kube-worker-04', role: 'worker', ip: '192.168.1.121' },
    ]);
    expect(preview.issues).toEqual([[], []]);
    expect(addNodes(cluster, toAddNodesRequest(form)).spec.nodes.slice(-2)).toEqual(preview.nodes);
  });

  it('shows the problems the new nodes would have, per node', () => {
    const preview = previewBulkAdd(labCluster(), {
      namePattern: 'rpi-kube-worker-{03..04}',
      role: 'worker',
      firstIp: '192.168.1.104',
    });
    expect(preview.issues[0]).toEqual([
      {
        severity: 'error',
        path: 'spec.nodes.5.ip',
        message: "192.168.1.104 is already rpi-kube-worker-01's address",
      },
    ]);
    expect(preview.issues[1]?.[0]?.message).toMatch(/already rpi-kube-worker-02's address/);
  });

  it('refuses a bad pattern or address beside that field', () => {
    const cluster = labCluster();
    expect(
      previewBulkAdd(cluster, { namePattern: 'w-{05..01}', role: 'worker', firstIp: '' }).refusal,
    ).toMatchObject({ field: 'namePattern', message: expect.stringMatching(/counts down/) });
    expect(
      previewBulkAdd(cluster, { namePattern: 'rpi-kube-worker-01', role: 'worker', firstIp: '' })
        .refusal,
    ).toMatchObject({ field: 'namePattern', message: expect.stringMatching(/already exists/) });
    expect(
      previewBulkAdd(cluster, { namePattern: 'w-{1..2}', role: 'worker', firstIp: '10.1' }).refusal,
    ).toMatchObject({ field: 'firstIp' });
  });

  it('previews nothing for an empty pattern', () => {
    expect(previewBulkAdd(labCluster(), { namePattern: ' ', role: 'worker', firstIp: '' })).toEqual(
      { nodes: [], refusal: null, issues: [] },
    );
  });

  it('suggests the next workers after the last one, from the next free address', () => {
    expect(suggestBulkAdd(labCluster())).toEqual({
      namePattern: 'rpi-kube-worker-{03..05}',
      role: 'worker',
      firstIp: '192.168.1.106',
    });
    const noWorkers = labCluster({ workers: 0 });
    expect(suggestBulkAdd(noWorkers).namePattern).toBe('rpi-kube-worker-{01..03}');
    const highVip = labCluster({ virtualIP: '192.168.1.200' });
    const last = setNodeIp(highVip, 'rpi-kube-worker-02', '192.168.1.150');
    expect(suggestBulkAdd(last).firstIp).toBe('192.168.1.201');
  });

  it('suggests no address with DHCP', () => {
    expect(suggestBulkAdd(labCluster({ addressing: 'dhcp' })).firstIp).toBe('');
  });
});
