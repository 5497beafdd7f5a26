import { ProgressMeter } from '../image/progress-meter';
import type { MultiDestinationProgress } from './etcher';
import type { FlashPhase, FlashProgress } from './protocol';

/**
 * Turns etcher-sdk's progress into the protocol's, one ProgressMeter per phase. Verification's
 * meter starts when the write's last report came (it starts right after the write), so its
 * first speed is not measured over a few microseconds.
 */
export function progressReporter(onProgress: (progress: FlashProgress) => void) {
  let phase: FlashPhase = 'checking';
  let lastEtcherAt = performance.now();
  const meterFrom = (startedAt: number, total: number | null) => {
    let first = true;
    return new ProgressMeter({
      total,
      now: () => {
        if (!first) return performance.now();
        first = false;
        return startedAt;
      },
    });
  };
  let meter = meterFrom(performance.now(), null);
  const emit = (sample: ReturnType<ProgressMeter['sample']>) => {
    onProgress({
      phase,
      bytes: sample.done,
      total: sample.total ?? 0,
      bytesPerSecond: sample.speed,
      etaSeconds: sample.etaSeconds,
    });
  };
  const enter = (next: FlashPhase, total: number | null, startedAt: number) => {
    phase = next;
    meter = meterFrom(startedAt, total);
  };
  return {
    /** A phase without byte progress of its own (checking, configuring, reading back, ejecting). */
    phase(next: FlashPhase, done: number, total: number | null) {
      if (next !== phase) enter(next, total, performance.now());
      else meter.total = total;
      meter.update(done);
      emit(meter.sample());
    },
    etcher(progress: MultiDestinationProgress) {
      const next: FlashPhase = progress.type === 'verifying' ? 'verifying' : 'writing';
      const total = (progress.sparse ? progress.blockmappedSize : progress.size) ?? null;
      const done = progress.sparse ? progress.bytes : progress.position;
      const previousAt = lastEtcherAt;
      lastEtcherAt = performance.now();
      if (next !== phase) {
        if (phase === 'writing') this.finish();
        // Verification starts when etcher-sdk's last report of the write came.
        enter(next, total, previousAt);
        meter.update(done);
        emit(meter.sample());
        return;
      }
      if (total !== null) meter.total = total;
      const sample = meter.update(done);
      if (sample) emit(sample);
    },
    /** Closes the writing or verifying phase at 100 %, so no listener sees it stop short. */
    finish() {
      if (phase !== 'writing' && phase !== 'verifying') return;
      const sample = meter.sample();
      if (sample.total === null || sample.done >= sample.total) return emit(sample);
      meter.update(sample.total);
      emit({ ...meter.sample(), etaSeconds: 0 });
    },
  };
}
