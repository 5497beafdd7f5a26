import { formatBytes } from '../../common/format-bytes';
import type { FlashStepProgress } from '../flash';

/** "writing  [#########.........]  45%  12.3 MiB/s  ETA 1m02s" for a terminal line. */
export function progressLine(event: FlashStepProgress, width = 24): string {
  const { phase, done, total, speed, eta } =
    event.step === 'card'
      ? {
          phase: event.progress.phase,
          done: event.progress.bytes,
          total: event.progress.total,
          speed: event.progress.bytesPerSecond,
          eta: event.progress.etaSeconds,
        }
      : {
          phase: event.progress.step === 'download' ? 'downloading' : event.progress.phase,
          done: event.progress.bytesRead,
          total: event.progress.bytesTotal ?? 0,
          speed: event.progress.speed,
          eta: event.progress.etaSeconds,
        };
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  return `${phase.padEnd(12)} ${bar} ${percent}  ${formatBytes(Math.round(speed))}/s  ETA ${formatDuration(eta)}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
