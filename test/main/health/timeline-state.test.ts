import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type ClusterState, emptyState, pruneState } from '../../../common/cluster';
import { ClusterWorkspace, loadState, projectPaths } from '../../../main/cluster';
import { recordObservation } from '../../../main/health';
import { observation } from './fixtures';

let dir: string;
let path: string;
let statePath: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeflash-timeline-state-'));
  path = join(dir, 'lab.yaml');
  statePath = projectPaths(path).state;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A state file as releases before the timeline wrote it. */
const olderStateFile = {
  apiVersion: 'kubeflash.io/v1alpha1',
  kind: 'ClusterState',
  nodes: { 'rpi-kube-cp-01': { status: 'flashed', updatedAt: '2026-01-01T09:00:00.000Z' } },
};

describe('the timeline in the state file', () => {
  it('reads a state file without a timeline, and writes one only when something is new', async () => {
    await writeFile(statePath, JSON.stringify(olderStateFile));
    expect((await loadState(statePath)).timeline).toBeUndefined();
    const workspace = new ClusterWorkspace();
    const seen = observation('rpi-kube-cp-01', '2026-01-01T10:00:00Z');

    await workspace.updateTimeline(path, (t) => recordObservation(t, seen));
    const written = await stat(statePath);
    const state = JSON.parse(await readFile(statePath, 'utf8'));
    expect(state.nodes).toEqual(olderStateFile.nodes);
    expect(state.timeline.nodes['rpi-kube-cp-01'].sshUpAt).toBe('2026-01-01T10:00:00Z');

    const later = observation('rpi-kube-cp-01', '2026-01-01T10:00:05Z');
    await workspace.updateTimeline(path, (t) => recordObservation(t, later));
    expect((await stat(statePath)).ino, 'nothing new: not rewritten').toBe(written.ino);
  });

  it('refuses a timeline with unknown fields, naming the file', async () => {
    await writeFile(
      statePath,
      JSON.stringify({ ...olderStateFile, timeline: { nodes: {}, surprise: 1 } }),
    );
    await expect(loadState(statePath)).rejects.toThrow(statePath);
  });

  it('forgets the timeline of nodes no longer planned', () => {
    const state: ClusterState = {
      ...emptyState(),
      timeline: { nodes: { gone: { phases: {} }, kept: { phases: {} } }, readyAt: 'x' },
    };
    const pruned = pruneState(state, ['kept']);
    expect(Object.keys(pruned.timeline?.nodes ?? {})).toEqual(['kept']);
    expect(pruned.timeline?.readyAt).toBe('x');
  });
});
