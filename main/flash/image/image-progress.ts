import { type MeterSample, ProgressMeter } from './progress-meter';

export type ImagePhase = 'hashing' | 'decompressing' | 'verifying' | 'downloading';

/** One progress report while an image is hashed, decompressed, verified or downloaded. */
export interface ImageProgress {
  phase: ImagePhase;
  /** Source bytes read (or downloaded) so far, and in all (null when unknown). */
  bytesRead: number;
  bytesTotal: number | null;
  /** Bytes written to the output (the raw image, or the download) so far. */
  bytesWritten: number;
  /** Smoothed bytes per second on `bytesRead`, and the seconds left at that speed. */
  speed: number;
  etaSeconds: number | null;
}

export type ProgressListener = (progress: ImageProgress) => void;

/**
 * One phase's progress: counts bytes read and written, asks the meter whether a report is due,
 * and always reports the phase's start and end so a listener sees every phase.
 */
export class PhaseProgress {
  private meter: ProgressMeter;
  bytesRead = 0;
  bytesWritten = 0;

  constructor(
    readonly phase: ImagePhase,
    total: number | null,
    private readonly listener: ProgressListener | undefined,
    private readonly now?: () => number,
  ) {
    this.meter = new ProgressMeter({ total, now });
    this.emit(this.meter.sample());
  }

  read(bytes: number): void {
    this.bytesRead += bytes;
    const sample = this.meter.update(this.bytesRead);
    if (sample) this.emit(sample);
  }

  wrote(bytes: number): void {
    this.bytesWritten += bytes;
  }

  /** Bytes read and written so far are `bytes` (a download resuming a .part file). */
  resumeAt(bytes: number): void {
    this.bytesRead = bytes;
    this.bytesWritten = bytes;
    const sample = this.meter.update(bytes);
    if (sample) this.emit(sample);
  }

  /** Reading started over (a download restarted from zero). */
  restart(): void {
    this.bytesRead = 0;
    this.bytesWritten = 0;
    this.meter = new ProgressMeter({ total: this.meter.total, now: this.now });
    this.emit(this.meter.sample());
  }

  /** The total became known (a download's Content-Length). */
  setTotal(total: number | null): void {
    this.meter.total = total;
  }

  finish(): void {
    this.meter.update(this.bytesRead);
    this.emit(this.meter.sample());
  }

  private emit(sample: MeterSample): void {
    if (!this.listener) return;
    this.listener({
      phase: this.phase,
      bytesRead: this.bytesRead,
      bytesTotal: sample.total,
      bytesWritten: this.bytesWritten,
      speed: sample.speed,
      etaSeconds: sample.etaSeconds,
    });
  }
}
