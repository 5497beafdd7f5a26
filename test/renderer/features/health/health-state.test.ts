import { describe, expect, it } from 'vitest';

import type { HealthAlert, HealthView } from '../../../../common/health-view';
import {
  appendLogLines,
  healthReducer,
  initialHealthState,
  maxAlerts,
  maxLogLines,
  timelinePoints,
} from '../../../../renderer/src/features/health/health-state';

function view(path: string, readyAfterSeconds: number | null = null): HealthView {
  return {
    path,
    clusterName: 'lab',
    watching: true,
    updatedAt: '2026-01-01T10:00:00Z',
    api: 'connected',
    apiError: null,
    nodes: [],
    systemPods: [],
    warnings: [],
    addons: [],
    timeline: { nodes: {} },
    readyAfterSeconds,
  };
}

const alert = (path: string, hostname: string): HealthAlert => ({
  path,
  hostname,
  kind: 'not-ready',
  at: '2026-01-01T10:00:00Z',
  detail: 'NodeStatusUnknown',
});

describe('the Health panel state', () => {
  it('takes views and alerts of its own cluster only', () => {
    let state = healthReducer(initialHealthState, { type: 'view', view: view('/a.yaml') });
    state = healthReducer(state, { type: 'view', view: view('/b.yaml', 5) });
    expect(state.view?.path).toBe('/a.yaml');
    state = healthReducer(state, { type: 'view', view: view('/a.yaml', 462) });
    expect(state.view?.readyAfterSeconds).toBe(462);
    state = healthReducer(state, { type: 'alert', alert: alert('/b.yaml', 'x') });
    expect(state.alerts).toEqual([]);
  });

  it('keeps the newest alerts first, bounded, and dismisses one', () => {
    let state = healthReducer(initialHealthState, { type: 'view', view: view('/a.yaml') });
    for (let i = 0; i < maxAlerts + 5; i++)
      state = healthReducer(state, { type: 'alert', alert: alert('/a.yaml', `n${i}`) });
    expect(state.alerts).toHaveLength(maxAlerts);
    expect(state.alerts[0]?.hostname).toBe(`n${maxAlerts + 4}`);
    const first = state.alerts[0] as HealthAlert;
    state = healthReducer(state, { type: 'dismiss', alert: first });
    expect(state.alerts[0]?.hostname).toBe(`n${maxAlerts + 3}`);
  });

  it('keeps the tail of a long log', () => {
    const lines = appendLogLines(
      [],
      Array.from({ length: maxLogLines }, (_, i) => `l${i}`),
    );
    const more = appendLogLines(lines, ['new']);
    expect(more).toHaveLength(maxLogLines);
    expect(more.at(-1)).toBe('new');
    expect(more[0]).toBe('l1');
  });

  it('orders the timeline and leaves out phases stamped before the clock was synced', () => {
    const points = timelinePoints({
      flashedAt: '2026-01-01T09:00:00Z',
      poweredOnAt: '2026-01-01T10:00:00Z',
      sshUpAt: '2026-01-01T10:01:00Z',
      phases: { network: '1970-01-01T00:00:05Z', distribution: '2026-01-01T10:02:00Z' },
      readyAt: '2026-01-01T10:07:00Z',
    });
    expect(points.map((p) => p.phase ?? p.mark)).toEqual([
      'flashed',
      'poweredOn',
      'sshUp',
      'distribution',
      'ready',
    ]);
  });
});
