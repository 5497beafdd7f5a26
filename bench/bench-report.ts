const MiB = 1024 * 1024;

/** One timed run of one row. */
export interface Sample {
  name: string;
  seconds: number;
  writtenBytes: number;
  readBytes: number;
  /** Where a kubeflash run spent its time: each phase's start, seconds from the run's start. */
  phases?: string;
}

export const rowNames = {
  firstCard: 'kubeflash, first card (.img.xz, cold cache)',
  nextCard: 'kubeflash, next card (cache warm)',
  stationCard: 'kubeflash flash-next, a further card',
  xzDd: 'xz -dc | dd conv=fsync, then cmp',
  bmaptool: 'bmaptool copy',
  floor: 'floor: dd oflag=direct + iflag=direct (allocated)',
  startUp: 'kubeflash --version (start-up only)',
} as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The rounds' results. A row's ratio to bmaptool is taken within each round (the same minutes
 * of this machine, whose speed drifts over a day), then the median and range over the rounds.
 */
export function printReport(
  rounds: Sample[][],
  image: { size: number; allocated: number; xzSize: number },
): void {
  const names = rounds[0]!.map((s) => s.name);
  const row = (name: string) => rounds.map((round) => round.find((s) => s.name === name)!);
  const ratios = (name: string) =>
    rounds.map((round) => {
      const baseline = round.find((s) => s.name === rowNames.bmaptool)!.seconds;
      return round.find((s) => s.name === name)!.seconds / baseline;
    });
  const ratioText = (name: string) => {
    const each = ratios(name);
    const range = `${Math.min(...each).toFixed(2)}–${Math.max(...each).toFixed(2)}`;
    return `${median(each).toFixed(2)} (${range})`;
  };

  console.log(
    `\nImage: ${(image.size / MiB).toFixed(0)} MiB raw, ${(image.allocated / MiB).toFixed(0)} MiB allocated, ${(image.xzSize / MiB).toFixed(0)} MiB .xz; ${rounds.length} round(s), medians`,
  );
  console.log(
    'run                                                seconds  written MiB  read MiB  × bmaptool (range)',
  );
  for (const name of names) {
    const samples = row(name);
    const seconds = median(samples.map((s) => s.seconds));
    const written = median(samples.map((s) => s.writtenBytes)) / MiB;
    const read = median(samples.map((s) => s.readBytes)) / MiB;
    console.log(
      `${name.padEnd(50)} ${seconds.toFixed(1).padStart(7)}  ${written.toFixed(0).padStart(11)}  ${read.toFixed(0).padStart(8)}  ${ratioText(name)}`,
    );
  }
  console.log('\nEach round, seconds:');
  for (const name of names) {
    console.log(
      `  ${name.padEnd(50)} ${row(name)
        .map((s) => s.seconds.toFixed(2))
        .join('  ')}`,
    );
  }
  console.log('\nWhen each kubeflash phase began (seconds from the start of the run), by round:');
  for (const name of names) {
    for (const [index, sample] of row(name).entries()) {
      if (sample.phases) console.log(`  ${name}, round ${index + 1}: ${sample.phases}`);
    }
  }
  const written = Math.max(...row(rowNames.nextCard).map((s) => s.writtenBytes));
  console.log('\nTargets (median of the rounds’ ratios):');
  console.log(`  first card ≤ 1.0 × bmaptool: ${ratioText(rowNames.firstCard)}`);
  console.log(
    `  next card  ≤ 0.5 × bmaptool: ${ratioText(rowNames.nextCard)} (kubeflash flash: start-up and unlock included);` +
      ` ${ratioText(rowNames.stationCard)} (flash-next, already running)`,
  );
  console.log(
    `  written ≤ allocated + 1 %:   ${(written / MiB).toFixed(1)} MiB (most of any round) vs ${((image.allocated * 1.01) / MiB).toFixed(1)} MiB`,
  );
  console.log(
    `  (write + read-back floor of this device: ${ratioText(rowNames.floor)} × bmaptool;` +
      ` CLI start-up alone: ${ratioText(rowNames.startUp)} × bmaptool)`,
  );
}
