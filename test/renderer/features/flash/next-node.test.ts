import { describe, expect, it } from 'vitest';

import {
  type Cluster,
  type ClusterState,
  emptyState,
  markFlashed,
  markFlashFailed,
  markForRebuild,
  setNodeImage,
} from '../../../../common/cluster';
import {
  flashedCount,
  imageOfNode,
  nextNodeToFlash,
  nodesToFlash,
} from '../../../../renderer/src/features/flash/next-node';
import { labCluster } from '../cluster/fixtures';

const at = new Date('2026-01-02T03:04:05Z');
const card = { device: '/dev/sdb', size: 1, serial: null };

function flashed(state: ClusterState, ...hostnames: string[]): ClusterState {
  return hostnames.reduce((s, hostname) => markFlashed(s, hostname, at, card), state);
}

const names = (cluster: Cluster, state: ClusterState) =>
  nodesToFlash(cluster, state).map((n) => n.hostname);

describe('next node to flash', () => {
  const cluster = labCluster();

  it('goes in plan order, skipping flashed nodes', () => {
    expect(nextNodeToFlash(cluster, emptyState(), new Set())?.hostname).toBe('rpi-kube-cp-01');
    const state = flashed(emptyState(), 'rpi-kube-cp-01', 'rpi-kube-cp-02');
    expect(nextNodeToFlash(cluster, state, new Set())?.hostname).toBe('rpi-kube-cp-03');
    expect(flashedCount(cluster, state)).toBe(2);
  });

  it('counts failed and rebuild-pending nodes as still to flash', () => {
    let state = flashed(emptyState(), 'rpi-kube-cp-01', 'rpi-kube-cp-02', 'rpi-kube-cp-03');
    state = markFlashFailed(state, 'rpi-kube-worker-02', at, 'card removed');
    state = markForRebuild(state, 'rpi-kube-cp-02', at);
    expect(names(cluster, state)).toEqual([
      'rpi-kube-cp-02',
      'rpi-kube-worker-01',
      'rpi-kube-worker-02',
    ]);
    expect(nextNodeToFlash(cluster, state, new Set())?.hostname).toBe('rpi-kube-cp-02');
  });

  it('passes over nodes whose card is being written', () => {
    const busy = new Set(['rpi-kube-cp-01', 'rpi-kube-cp-02']);
    expect(nextNodeToFlash(cluster, emptyState(), busy)?.hostname).toBe('rpi-kube-cp-03');
  });

  it('has none when every node is flashed or being written', () => {
    const all = cluster.spec.nodes.map((n) => n.hostname);
    const state = flashed(emptyState(), ...all.slice(1));
    expect(nextNodeToFlash(cluster, state, new Set([all[0]!]))).toBeNull();
    expect(nextNodeToFlash(cluster, flashed(emptyState(), ...all), new Set())).toBeNull();
    expect(flashedCount(cluster, flashed(emptyState(), ...all))).toBe(all.length);
  });

  it('puts the node asked for first, then rebuild-pending nodes, then plan order', () => {
    // cp-01 and cp-02 never flashed; worker-01 and worker-02 were, and are marked for rebuild.
    let state = flashed(emptyState(), 'rpi-kube-cp-03', 'rpi-kube-worker-01', 'rpi-kube-worker-02');
    state = markForRebuild(state, 'rpi-kube-worker-01', at);
    state = markForRebuild(state, 'rpi-kube-worker-02', at);
    const next = (preferred: string | null, busy: string[] = []) =>
      nextNodeToFlash(cluster, state, new Set(busy), preferred)?.hostname;
    expect(next('rpi-kube-worker-02')).toBe('rpi-kube-worker-02');
    expect(next(null)).toBe('rpi-kube-worker-01');
    expect(next('rpi-kube-worker-02', ['rpi-kube-worker-02'])).toBe('rpi-kube-worker-01');
    // Asked for but already flashed, or not in the plan: the usual order.
    expect(next('rpi-kube-cp-03')).toBe('rpi-kube-worker-01');
    expect(next('no-such-node')).toBe('rpi-kube-worker-01');
    // An unflashed node may be asked for too.
    expect(next('rpi-kube-cp-02')).toBe('rpi-kube-cp-02');
    expect(next(null, ['rpi-kube-worker-01', 'rpi-kube-worker-02'])).toBe('rpi-kube-cp-01');
  });

  it('gives a node its own image, else the default, else none', () => {
    const node = (c: Cluster, hostname: string) =>
      c.spec.nodes.find((n) => n.hostname === hostname)!;
    const noDefault = { ...cluster, spec: { ...cluster.spec, image: {} } };
    expect(imageOfNode(noDefault, node(noDefault, 'rpi-kube-cp-01'))).toBeNull();

    const withDefault = {
      ...cluster,
      spec: { ...cluster.spec, image: { default: 'ubuntu-server-24.04.3-arm64' } },
    };
    const own = setNodeImage(withDefault, 'rpi-kube-worker-01', '/images/alpine.img.gz');
    expect(imageOfNode(own, node(own, 'rpi-kube-cp-01'))).toBe('ubuntu-server-24.04.3-arm64');
    expect(imageOfNode(own, node(own, 'rpi-kube-worker-01'))).toBe('/images/alpine.img.gz');
  });
});
