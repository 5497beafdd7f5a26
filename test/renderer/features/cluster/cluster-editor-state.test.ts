import { describe, expect, it } from 'vitest';

import { renameNode, setNodeIp } from '../../../../common/cluster';
import {
  canUndo,
  clusterEditorReducer,
  type ClusterEditorState,
  initialEditorState,
  maxUndoSteps,
  type OpenCluster,
} from '../../../../renderer/src/features/cluster/cluster-editor-state';
import { withSpec } from '../../../../renderer/src/features/cluster/plan-edits';
import { labCluster, viewOf } from './fixtures';

function opened(): OpenCluster {
  const state = clusterEditorReducer(initialEditorState(null), {
    type: 'opened',
    view: viewOf(labCluster()),
  });
  if (state.status !== 'open') throw new Error('not open');
  return state;
}

function open(state: ClusterEditorState): OpenCluster {
  if (state.status !== 'open') throw new Error(`expected open, got ${state.status}`);
  return state;
}

const ipOfWorker2 = (c: ReturnType<typeof labCluster>, ip: string) =>
  setNodeIp(c, 'rpi-kube-worker-02', ip);

describe('cluster editor state', () => {
  it('starts by reopening the remembered file, or closed', () => {
    expect(initialEditorState('/c/lab.yaml')).toEqual({ status: 'opening', path: '/c/lab.yaml' });
    expect(initialEditorState(null)).toEqual({ status: 'closed' });
  });

  it('keeps a failed reopen with its path and error', () => {
    const error = new Error('gone');
    const state = clusterEditorReducer(initialEditorState('/c/lab.yaml'), {
      type: 'openFailed',
      path: '/c/lab.yaml',
      error,
    });
    expect(state).toEqual({ status: 'failed', path: '/c/lab.yaml', error });
  });

  it('opens clean: the edited plan is the saved one, nothing to undo', () => {
    const state = opened();
    expect(state.edited).toBe(state.view.cluster);
    expect(state.dirty).toBe(false);
    expect(state.issues).toEqual([]);
    expect(canUndo(state)).toBe(false);
  });

  it('validates every edit live and marks the plan dirty', () => {
    const state = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => ipOfWorker2(c, '192.168.1.101'),
        key: 'spec.nodes.4.ip',
      }),
    );
    expect(state.dirty).toBe(true);
    expect(state.issues).toContainEqual({
      severity: 'error',
      path: 'spec.nodes.4.ip',
      message: "192.168.1.101 is already rpi-kube-cp-01's address",
    });
  });

  it('does not touch its input (pure)', () => {
    const before = opened();
    const snapshot = structuredClone(before.edited);
    clusterEditorReducer(before, { type: 'edit', change: (c) => ipOfWorker2(c, '192.168.1.9') });
    expect(before.edited).toEqual(snapshot);
    expect(before.dirty).toBe(false);
  });

  it('undoes the last change', () => {
    const first = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => ipOfWorker2(c, '192.168.1.50'),
      }),
    );
    const second = open(
      clusterEditorReducer(first, {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      }),
    );
    const undone = open(clusterEditorReducer(second, { type: 'undo' }));
    expect(undone.edited).toBe(first.edited);
    expect(undone.edited.spec.ssh.user).toBe('pi');
    const undoneTwice = open(clusterEditorReducer(undone, { type: 'undo' }));
    expect(undoneTwice.dirty).toBe(false);
    expect(canUndo(undoneTwice)).toBe(false);
    expect(clusterEditorReducer(undoneTwice, { type: 'undo' })).toBe(undoneTwice);
  });

  it('counts typing in one field as one change', () => {
    let state: ClusterEditorState = opened();
    for (const user of ['a', 'ad', 'adm', 'admin'])
      state = clusterEditorReducer(state, {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user }),
        key: 'spec.ssh.user',
      });
    expect(open(state).history).toHaveLength(1);
    const undone = open(clusterEditorReducer(state, { type: 'undo' }));
    expect(undone.edited.spec.ssh.user).toBe('pi');
    expect(undone.dirty).toBe(false);
  });

  it('bounds the undo history', () => {
    let state: ClusterEditorState = opened();
    for (let i = 0; i < maxUndoSteps + 20; i++)
      state = clusterEditorReducer(state, {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: `user${i}` }),
      });
    expect(open(state).history).toHaveLength(maxUndoSteps);
  });

  it('is not dirty when an edit is typed back to the saved value', () => {
    const changed = clusterEditorReducer(opened(), {
      type: 'edit',
      change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      key: 'spec.ssh.user',
    });
    const back = open(
      clusterEditorReducer(changed, {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'pi' }),
        key: 'spec.ssh.user',
      }),
    );
    expect(back.dirty).toBe(false);
  });

  it('keeps a refused edit as an error of that field and changes nothing', () => {
    const before = opened();
    const state = open(
      clusterEditorReducer(before, {
        type: 'edit',
        change: (c) => renameNode(c, 'rpi-kube-worker-02', 'rpi-kube-worker-01'),
        key: 'spec.nodes.4.hostname',
      }),
    );
    expect(state.edited).toBe(before.edited);
    expect(state.editError).toEqual({
      key: 'spec.nodes.4.hostname',
      message: 'A node named rpi-kube-worker-01 already exists',
    });
    const next = open(
      clusterEditorReducer(state, {
        type: 'edit',
        change: (c) => renameNode(c, 'rpi-kube-worker-02', 'rpi-kube-worker-03'),
        key: 'spec.nodes.4.hostname',
      }),
    );
    expect(next.editError).toBeNull();
  });

  it('reverts to the saved plan, and the revert itself can be undone', () => {
    const edited = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      }),
    );
    const reverted = open(clusterEditorReducer(edited, { type: 'revert' }));
    expect(reverted.dirty).toBe(false);
    expect(reverted.edited).toBe(reverted.view.cluster);
    const undone = open(clusterEditorReducer(reverted, { type: 'undo' }));
    expect(undone.edited.spec.ssh.user).toBe('admin');
  });

  it('after a save, the saved plan is the clean one', () => {
    const edited = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      }),
    );
    const savedView = viewOf(structuredClone(edited.edited));
    const saved = open(
      clusterEditorReducer(edited, { type: 'saved', view: savedView, sent: edited.edited }),
    );
    expect(saved.dirty).toBe(false);
    expect(saved.edited).toBe(savedView.cluster);
  });

  it('keeps edits made while a save was under way', () => {
    const first = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      }),
    );
    const sent = first.edited;
    const more = open(
      clusterEditorReducer(first, {
        type: 'edit',
        change: (c) => withSpec(c, 'system', { timezone: 'Asia/Shanghai' }),
      }),
    );
    const saved = open(
      clusterEditorReducer(more, { type: 'saved', view: viewOf(structuredClone(sent)), sent }),
    );
    expect(saved.edited.spec.system.timezone).toBe('Asia/Shanghai');
    expect(saved.dirty).toBe(true);
  });

  it('keeps unsaved edits when only secrets or state change (unlock, rebuild)', () => {
    const edited = open(
      clusterEditorReducer(opened(), {
        type: 'edit',
        change: (c) => withSpec(c, 'ssh', { user: 'admin' }),
      }),
    );
    const unlocked = viewOf(labCluster());
    unlocked.secrets.unlocked = true;
    const refreshed = open(clusterEditorReducer(edited, { type: 'viewRefreshed', view: unlocked }));
    expect(refreshed.view.secrets.unlocked).toBe(true);
    expect(refreshed.edited.spec.ssh.user).toBe('admin');
    expect(refreshed.dirty).toBe(true);
  });

  it('takes issues only the Node side knows (secrets.*) from the view', () => {
    const view = viewOf(labCluster());
    view.issues = [
      { severity: 'error', path: 'secrets.wifiPassphrase', message: 'too short' },
      { severity: 'error', path: 'spec.ssh.user', message: 'stale, recomputed here' },
    ];
    const state = open(clusterEditorReducer({ status: 'closed' }, { type: 'opened', view }));
    expect(state.issues).toEqual([
      { severity: 'error', path: 'secrets.wifiPassphrase', message: 'too short' },
    ]);
  });

  it('ignores plan actions while nothing is open, and closes', () => {
    const closed: ClusterEditorState = { status: 'closed' };
    expect(clusterEditorReducer(closed, { type: 'undo' })).toBe(closed);
    expect(clusterEditorReducer(opened(), { type: 'closed' })).toEqual({ status: 'closed' });
  });
});
