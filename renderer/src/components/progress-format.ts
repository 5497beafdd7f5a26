/**
 * Numbers of a long-running task (decompressing an image, writing a card) as the UI shows them.
 * Pure, so the same rules hold for the image check and every flash job.
 */

/** What every progress report carries (imageProgress and flashProgress events alike). */
export interface ProgressSample {
  phase: string;
  bytes: number;
  total: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/** Whole percent done, or null when the total is unknown (the bar then shows "busy"). */
export function progressPercent(bytes: number, total: number | null): number | null {
  if (total === null || total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((bytes / total) * 100)));
}

const MiB = 1024 * 1024;

/** Speed in MiB/s, one decimal ("34.5 MiB/s"), the unit card writers are compared in. */
export function formatSpeed(bytesPerSecond: number): string {
  const value = Number.isFinite(bytesPerSecond) && bytesPerSecond > 0 ? bytesPerSecond : 0;
  return `${(value / MiB).toFixed(1)} MiB/s`;
}

/** Time left, split for a translated message: hours and minutes, minutes and seconds, or seconds. */
export type EtaParts =
  | { unit: 'hours'; hours: number; minutes: number }
  | { unit: 'minutes'; minutes: number; seconds: number }
  | { unit: 'seconds'; seconds: number };

export function etaParts(etaSeconds: number | null): EtaParts | null {
  if (etaSeconds === null || !Number.isFinite(etaSeconds) || etaSeconds < 0) return null;
  const total = Math.ceil(etaSeconds);
  if (total >= 3600) {
    return { unit: 'hours', hours: Math.floor(total / 3600), minutes: Math.floor(total / 60) % 60 };
  }
  if (total >= 60) return { unit: 'minutes', minutes: Math.floor(total / 60), seconds: total % 60 };
  return { unit: 'seconds', seconds: total };
}
