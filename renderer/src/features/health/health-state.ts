import type { NodeTimeline } from '../../../../common/health';
import type { HealthAlert, HealthView, NodeStage } from '../../../../common/health-view';

/** The Health panel's live data: the latest view of its cluster and the alerts not dismissed. */
export interface HealthPanelState {
  view: HealthView | null;
  alerts: HealthAlert[];
}

export type HealthAction =
  | { type: 'view'; view: HealthView }
  | { type: 'alert'; alert: HealthAlert }
  | { type: 'dismiss'; alert: HealthAlert }
  | { type: 'reset' };

/** Alerts kept on screen at most; older ones drop off. */
export const maxAlerts = 20;

export const initialHealthState: HealthPanelState = { view: null, alerts: [] };

export function healthReducer(state: HealthPanelState, action: HealthAction): HealthPanelState {
  switch (action.type) {
    case 'view':
      // Views of another cluster (another window's watch) are not this panel's.
      if (state.view && state.view.path !== action.view.path) return state;
      return { ...state, view: action.view };
    case 'alert':
      if (state.view && state.view.path !== action.alert.path) return state;
      return { ...state, alerts: [action.alert, ...state.alerts].slice(0, maxAlerts) };
    case 'dismiss':
      return { ...state, alerts: state.alerts.filter((a) => a !== action.alert) };
    case 'reset':
      return initialHealthState;
  }
}

/** Lines kept per open log; a long bootstrap log keeps its tail. */
export const maxLogLines = 500;

export function appendLogLines(lines: readonly string[], more: readonly string[]): string[] {
  const all = [...lines, ...more];
  return all.length > maxLogLines ? all.slice(all.length - maxLogLines) : all;
}

export const stageBadge: Record<NodeStage, string> = {
  planned: 'badge',
  flashed: 'badge',
  reachable: 'badge badge-accent',
  'ssh-up': 'badge badge-accent',
  bootstrapping: 'badge badge-accent',
  joined: 'badge badge-warn',
  ready: 'badge badge-ok',
  'not-ready': 'badge badge-danger',
  alarm: 'badge badge-danger',
};

export type TimelineMark =
  'flashed' | 'poweredOn' | 'firstReachable' | 'sshUp' | 'phase' | 'joined' | 'ready';

export interface TimelinePoint {
  mark: TimelineMark;
  /** The bootstrap phase, for `phase` marks. */
  phase?: string;
  at: string;
  time: number;
}

/**
 * The node's timeline as points in time order for the chart. Phases the node reported before
 * its clock was synced (a 1970 date, say) are left out rather than drawn decades away.
 */
export function timelinePoints(timeline: NodeTimeline): TimelinePoint[] {
  const stamps: [TimelineMark, string | undefined][] = [
    ['flashed', timeline.flashedAt],
    ['poweredOn', timeline.poweredOnAt],
    ['firstReachable', timeline.firstReachableAt],
    ['sshUp', timeline.sshUpAt],
    ['joined', timeline.joinedAt],
    ['ready', timeline.readyAt],
  ];
  const points: TimelinePoint[] = stamps
    .filter((s): s is [TimelineMark, string] => Boolean(s[1]))
    .map(([mark, at]) => ({ mark, at, time: Date.parse(at) }));
  const floor = Date.parse(timeline.flashedAt ?? timeline.poweredOnAt ?? '') || -Infinity;
  for (const [phase, at] of Object.entries(timeline.phases)) {
    const time = Date.parse(at);
    if (time >= floor) points.push({ mark: 'phase', phase, at, time });
  }
  return points.filter((p) => !Number.isNaN(p.time)).sort((a, b) => a.time - b.time);
}
