import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';

import { KubeNode } from '../../../../common/health';
import { toKubeEvent, toKubeNode, toKubePod } from '../../../../main/health/kube';
import { nodeObject, podObject, warningEventObject } from '../../../support/kube-api-objects';

const now = new Date('2026-11-22T05:00:00Z');

describe('toKubeNode', () => {
  it('takes roles from node-role labels, as k3s sets them on a server', () => {
    const node = nodeObject('rpi-kube-cp-01', { role: 'control-plane', ready: true }, now);
    node.metadata.labels!['node-role.kubernetes.io/etcd'] = 'true';
    node.metadata.labels!['node-role.kubernetes.io/master'] = 'true';
    const mapped = toKubeNode(node as unknown as V1Node);
    expect(mapped.roles).toEqual(['control-plane', 'etcd', 'master']);
    expect(mapped.ready).toBe('True');
    expect(KubeNode.parse(mapped)).toEqual(mapped);
  });

  it('calls a node without role labels a worker, and reads an unknown Ready as Unknown', () => {
    const mapped = toKubeNode(nodeObject('w', { ready: false }, now) as unknown as V1Node);
    expect(mapped.roles).toEqual(['worker']);
    expect(mapped.ready).toBe('Unknown');
    expect(mapped.conditions.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(
      now.toISOString(),
    );
  });

  it('copes with a Node that has no status yet', () => {
    const mapped = toKubeNode({ metadata: { name: 'fresh' } });
    expect(mapped).toMatchObject({
      name: 'fresh',
      ready: 'Unknown',
      conditions: [],
      kubeletVersion: '',
      internalIP: null,
      createdAt: null,
    });
  });
});

describe('toKubePod and toKubeEvent', () => {
  it('sums restarts and reads readiness from the Ready condition', () => {
    const pod = podObject(
      { namespace: 'kube-system', name: 'flannel-x', node: 'n1', phase: 'Running', restarts: 3 },
      now,
    );
    expect(toKubePod(pod as never)).toEqual({
      namespace: 'kube-system',
      name: 'flannel-x',
      node: 'n1',
      phase: 'Running',
      ready: true,
      restarts: 3,
    });
  });

  it('names the involved object and keeps the count', () => {
    const event = warningEventObject(
      'e1',
      { objectName: 'coredns-1', reason: 'BackOff', message: 'Back-off restarting', count: 7 },
      now,
    );
    expect(toKubeEvent(event as never)).toEqual({
      namespace: 'kube-system',
      object: 'Pod/coredns-1',
      reason: 'BackOff',
      message: 'Back-off restarting',
      count: 7,
      lastSeen: now.toISOString(),
    });
  });
});
