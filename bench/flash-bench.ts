/**
 * Flash benchmark (a script, not a test): in one run, on a generated 1.2 GiB Raspberry Pi OS-like
 * image with realistic free space, compares
 *   1. kubeflash, first card from .img.xz (cold cache: decompress once, then write),
 *   2. kubeflash, next card (cache warm), and a further card written by a running `flash-next`
 *      (secrets unlocked and writer started once, as in the app), timed from attaching the card,
 *   3. xz -dc | dd conv=fsync, then cmp (what most guides do),
 *   4. bmaptool copy (writes mapped blocks only; does not read back),
 *   5. the device's floor: the allocated bytes written and read back with dd and O_DIRECT,
 *   6. the CLI's start-up alone (`kubeflash --version`), a fixed cost of both kubeflash rows,
 * and prints seconds, bytes written and read per card (from /sys/block/loopN/stat), ratios to
 * bmaptool, and for the kubeflash rows when each phase began (from `flash --json`). All rows run
 * in each of BENCH_ROUNDS rounds (default 3), each round with its own cluster and a cold image
 * cache; ratios are taken within a round (see bench-report.ts). Needs root, losetup, sfdisk,
 * mkfs.vfat, mkfs.ext4, mtools, xz, bmaptool, and a built CLI (`npm run build`).
 * Run: `npm run bench`. Writes only to loop devices it creates.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { ClusterWorkspace } from '../main/cluster';
import { asksForCard, startFlashNextStation } from '../test/support/flash-next-station';
import { printReport, rowNames, type Sample } from './bench-report';
import { makeImage } from './raspios-like-image';
import { sh } from './shell';

const MiB = 1024 * 1024;
const cli = fileURLToPath(new URL('../bin/kubeflash.js', import.meta.url));
function loopStat(device: string): { read: number; written: number } {
  const fields = sh('cat', [`/sys/block/${device.slice(5)}/stat`])
    .split(/\s+/)
    .map(Number);
  return { read: fields[2]! * 512, written: fields[6]! * 512 };
}

interface FlashEvent {
  step?: string;
  progress?: { phase?: string };
}

/** When each phase of a `--json` flash began: "image:decompressing 1.52, card:checking 4.03, …". */
function phaseRecorder(start: number) {
  const phases: string[] = [];
  let last = '';
  return {
    record: (event: FlashEvent) => {
      const phase = `${event.step ?? ''}:${event.progress?.phase ?? ''}`;
      if (!event.progress || phase === last) return;
      last = phase;
      phases.push(`${phase} ${((performance.now() - start) / 1000).toFixed(2)}`);
    },
    text: () => phases.join(', '),
  };
}

function dropCaches() {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
  } catch {
    /* not permitted here: every run then sees the same warm page cache */
  }
}

async function measure(
  name: string,
  device: string,
  run: () => void | Promise<string>,
): Promise<Sample> {
  sh('sync', []);
  dropCaches();
  const before = loopStat(device);
  const start = process.hrtime.bigint();
  const phases = (await run()) ?? undefined;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const after = loopStat(device);
  return {
    name,
    seconds,
    writtenBytes: after.written - before.written,
    readBytes: after.read - before.read,
    phases,
  };
}

function prepare() {
  if (process.getuid?.() !== 0) throw new Error('The benchmark needs root (loop devices).');
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-bench-'));
  try {
    console.log('Preparing a 1.2 GiB image and its .xz (this takes a while)…');
    const image = makeImage(dir);
    const size = statSync(image).size;
    const allocated = statSync(image).blocks * 512;
    sh('xz', ['-T0', '-3', '-k', image]);
    const xzImage = `${image}.xz`;
    const bmap = `${image}.bmap`;
    sh('bmaptool', ['create', '-o', bmap, image]);

    const passphrase = join(dir, 'pass');
    writeFileSync(passphrase, 'benchmark passphrase');
    return { dir, image, size, allocated, xzImage, bmap, passphrase };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type Setup = ReturnType<typeof prepare>;

/** Blank cards: loop devices over sparse 1300 MiB files, removed after their row. */
function cardRack(dir: string) {
  const attached = new Map<string, string>();
  let made = 0;
  return {
    attach(): string {
      const backing = join(dir, `card${made++}.raw`);
      sh('truncate', ['-s', `${1300}M`, backing]);
      const device = sh('losetup', ['-f', '--show', backing]);
      attached.set(device, backing);
      return device;
    },
    remove(device: string): void {
      spawnSync('losetup', ['-d', device]);
      rmSync(attached.get(device)!, { force: true });
      attached.delete(device);
    },
    removeAll(): void {
      for (const device of [...attached.keys()]) this.remove(device);
    },
  };
}

type Cards = ReturnType<typeof cardRack>;

/**
 * Every row once, in `roundDir`: a new cluster (default scrypt parameters, as a user's cluster
 * has: each card's unlock costs what it costs them) and a cold image cache, removed at the end.
 */
async function runRound(setup: Setup, roundDir: string, cards: Cards): Promise<Sample[]> {
  const { image, size, allocated, xzImage, bmap, passphrase } = setup;
  mkdirSync(roundDir);
  try {
    const cluster = join(roundDir, 'cluster.yaml');
    await new ClusterWorkspace().create(
      cluster,
      {
        name: 'bench',
        subnet: '10.99.0.0/24',
        gateway: '10.99.0.1',
        dns: ['10.99.0.1'],
        firstIp: '10.99.0.11',
        workers: 2,
      },
      'benchmark passphrase',
    );
    const env = { ...process.env, XDG_CACHE_HOME: join(roundDir, 'cache') };
    const commonArgs = ['--cluster', cluster, '--image', xzImage, '--include-loop'];
    const secretArgs = ['--passphrase-file', passphrase];
    /** A row on a blank card of its own. */
    const onCard = async (name: string, run: (device: string) => void | Promise<string>) => {
      const device = cards.attach();
      try {
        return await measure(name, device, () => run(device));
      } finally {
        cards.remove(device);
      }
    };
    /** Runs `kubeflash flash --json`; returns when each phase began ("image:hashing 0.62, …"). */
    const flash = async (device: string, node: string): Promise<string> => {
      const start = performance.now();
      const args = ['flash', ...commonArgs, '--node', node, '--device', device, '--yes', '--json'];
      const child = spawn(process.execPath, [cli, ...args, ...secretArgs], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const phases = phaseRecorder(start);
      for await (const line of createInterface({ input: child.stdout })) {
        phases.record(JSON.parse(line) as FlashEvent);
      }
      if ((await closed) !== 0) throw new Error(`kubeflash flash failed: ${stderr}`);
      return phases.text();
    };
    /**
     * A card written by a running `flash-next` (unlocked, writer up, modules loaded, as in the
     * app): timed from attaching the card (it polls every 100 ms) to its done event.
     */
    const flashNextCard = async (): Promise<Sample> => {
      const station = startFlashNextStation(cli, [...commonArgs, ...secretArgs], env);
      let device: string | null = null;
      try {
        await station.until(asksForCard, 60_000);
        sh('sync', []);
        dropCaches();
        const start = process.hrtime.bigint();
        const phases = phaseRecorder(performance.now());
        device = cards.attach();
        const before = loopStat(device);
        await station.until((event) => event.event === 'done', 120_000, phases.record);
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const after = loopStat(device);
        return {
          name: rowNames.stationCard,
          seconds,
          writtenBytes: after.written - before.written,
          readBytes: after.read - before.read,
          phases: phases.text(),
        };
      } finally {
        await station.stop();
        if (device) cards.remove(device);
      }
    };

    const samples: Sample[] = [];
    samples.push(await onCard(rowNames.firstCard, (card) => flash(card, 'rpi-kube-cp-01')));
    samples.push(await onCard(rowNames.nextCard, (card) => flash(card, 'rpi-kube-worker-01')));
    samples.push(await flashNextCard());
    samples.push(
      await onCard(rowNames.xzDd, (card) => {
        sh('bash', [
          '-c',
          `set -o pipefail; xz -dc '${xzImage}' | dd of='${card}' bs=4M conv=fsync status=none`,
        ]);
        sh('cmp', ['-n', String(size), image, card]);
      }),
    );
    samples.push(
      await onCard(rowNames.bmaptool, (card) => {
        sh('bmaptool', ['-q', 'copy', '--bmap', bmap, xzImage, card]);
      }),
    );
    // The floor of this machine: the allocated bytes written with O_DIRECT, then read back with
    // O_DIRECT (what an honest verify must at least do). No flasher that verifies beats it.
    const floorBlocks = String(Math.ceil(allocated / (4 * MiB)));
    samples.push(
      await onCard(rowNames.floor, (card) => {
        const blocks = ['bs=4M', `count=${floorBlocks}`, 'status=none'];
        sh('dd', ['if=/dev/zero', `of=${card}`, ...blocks, 'oflag=direct', 'conv=fsync']);
        sh('dd', [`if=${card}`, 'of=/dev/null', ...blocks, 'iflag=direct']);
      }),
    );
    // The fixed cost in both kubeflash rows: starting the CLI (loading its modules), cold.
    samples.push(
      await onCard(rowNames.startUp, () => {
        sh(process.execPath, [cli, '--version']);
      }),
    );
    return samples;
  } finally {
    rmSync(roundDir, { recursive: true, force: true });
  }
}

/** BENCH_ROUNDS: how many times every row runs (1 to 20, default 3). */
function roundCount(): number {
  const text = process.env.BENCH_ROUNDS ?? '3';
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
    throw new Error(`BENCH_ROUNDS must be a whole number from 1 to 20, not "${text}".`);
  }
  return rounds;
}

async function run() {
  const rounds = roundCount();
  const setup = prepare();
  const cards = cardRack(setup.dir);
  try {
    const results: Sample[][] = [];
    for (let round = 1; round <= rounds; round++) {
      console.log(`Round ${round} of ${rounds}…`);
      results.push(await runRound(setup, join(setup.dir, `round${round}`), cards));
    }
    const { size, allocated, xzImage } = setup;
    printReport(results, { size, allocated, xzSize: statSync(xzImage).size });
  } finally {
    cards.removeAll();
    rmSync(setup.dir, { recursive: true, force: true });
  }
}

await run();
