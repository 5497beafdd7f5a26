import { useTranslation } from 'react-i18next';

import type { NodeTimeline } from '../../../../common/health';
import { formatDuration } from '../../../../common/health-view';
import { timelinePoints } from './health-state';

const width = 560;
const rowHeight = 22;
const left = 150;
const right = 20;

/** The node's timeline as a small SVG: one row per event, a dot at its time since the first. */
export function TimelineChart({ timeline }: { timeline: NodeTimeline }) {
  const { t } = useTranslation();
  const points = timelinePoints(timeline);
  if (points.length === 0) return <p className="hint">{t('health.timelineEmpty')}</p>;
  const start = points[0]?.time ?? 0;
  const span = Math.max(1, (points.at(-1)?.time ?? start) - start);
  const x = (time: number) => left + ((time - start) / span) * (width - left - right);
  const nearEnd = (time: number) => x(time) > width - right - 90;
  const height = points.length * rowHeight + 8;
  return (
    <svg
      className="timeline-chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={t('health.timeline')}
      data-testid="timeline-chart"
    >
      <line x1={left} x2={width - right} y1={height - 4} y2={height - 4} className="axis" />
      {points.map((point, i) => {
        const y = i * rowHeight + rowHeight / 2 + 2;
        const label =
          point.mark === 'phase'
            ? t('health.marks.phase', { phase: point.phase })
            : t(`health.marks.${point.mark}`);
        return (
          <g key={`${point.mark}-${point.phase ?? ''}`} data-mark={point.phase ?? point.mark}>
            <title>{point.at}</title>
            <text x={0} y={y + 4}>
              {label}
            </text>
            <line x1={left} x2={x(point.time)} y1={y} y2={y} className="bar" />
            <circle cx={x(point.time)} cy={y} r={4} />
            <text
              // Near the right edge the offset goes left of its dot, so it never covers it.
              x={nearEnd(point.time) ? x(point.time) - 8 : x(point.time) + 8}
              y={y + 4}
              textAnchor={nearEnd(point.time) ? 'end' : 'start'}
              className="offset"
            >
              +{formatDuration((point.time - start) / 1000)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
