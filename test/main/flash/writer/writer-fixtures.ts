import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import { type Cluster, createCluster } from '../../../../common/cluster';
import { generateClusterSecrets } from '../../../../main/cluster';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import { payloadForTarget } from '../../../../main/provision';
import type { BootPayload } from '../../../../main/provision/model';
import type { Secrets } from '../../../../main/secrets';
import {
  extractPartition,
  type FixtureImage,
  type ImageRegion,
  mtoolsReadAll,
  requireFixtureTools,
  run,
  runStatus,
} from '../../../support/fixture-images';
import {
  hasCommand,
  isRoot,
  requirePrerequisites,
  type SkippableContext,
} from '../../../support/prerequisites';

/**
 * Shared pieces of the writer tests: loop devices that are always detached, a cluster with its
 * secrets for real boot payloads, requests as the app sends them, and independent readers
 * (mtools, fsck.vfat, sysfs counters) for what reached the device.
 */

export const MiB = 1024 * 1024;

/** Root, losetup and the fixture tools; skips (or fails under KUBEFLASH_STRICT=1) without them. */
export function requireLoopDevices(ctx: SkippableContext): void {
  requirePrerequisites(ctx, [
    [isRoot(), 'loop devices need root'],
    [hasCommand('losetup'), 'losetup (util-linux) is missing'],
    [hasCommand('blockdev'), 'blockdev (util-linux) is missing'],
  ]);
  requireFixtureTools(ctx);
}

/** Loop devices attached by a test file; `detachAll` in afterEach, whatever happened. */
export class LoopDevices {
  readonly attached = new Set<string>();
  /** The kernel's write counter of each device when it was attached (it survives detaching). */
  readonly #baseline = new Map<string, number>();

  async attach(file: string, options: string[] = []): Promise<string> {
    const device = (await run('losetup', [...options, '--find', '--show', file])).trim();
    this.attached.add(device);
    this.#baseline.set(device, await bytesWrittenTo(device));
    return device;
  }

  /** Attaches `file` to a given (free) device, e.g. one that was just detached. */
  async attachAt(device: string, file: string): Promise<void> {
    await run('losetup', [device, file]);
    this.attached.add(device);
    this.#baseline.set(device, await bytesWrittenTo(device));
  }

  /** Bytes the kernel wrote to the device since it was attached. */
  async written(device: string): Promise<number> {
    return (await bytesWrittenTo(device)) - (this.#baseline.get(device) ?? 0);
  }

  async detach(device: string): Promise<void> {
    this.attached.delete(device);
    this.#baseline.delete(device);
    await run('losetup', ['--detach', device]);
  }

  async detachAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const device of [...this.attached]) {
      await this.detach(device).catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw errors[0];
  }
}

/** A sparse file of `size` bytes: a blank card. */
export async function blankCard(path: string, size: number): Promise<string> {
  await writeFile(path, '');
  await truncate(path, size);
  return path;
}

/** Bytes written to a block device since it was created (sysfs: sectors written × 512). */
export async function bytesWrittenTo(device: string): Promise<number> {
  const name = device.replace(/^\/dev\//, '');
  const fields = (await readFile(`/sys/block/${name}/stat`, 'utf8')).trim().split(/\s+/);
  return Number(fields[6]) * 512;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Bytes the file really occupies (its allocated blocks; holes do not count). */
export async function allocatedBytes(path: string): Promise<number> {
  return (await stat(path)).blocks * 512;
}

/**
 * A writer test file's lab, its hooks registered: a scratch folder (removed at the end), a
 * cluster with its secrets (a TestCluster itself) and loop devices detached after each test.
 * `dir`, `cluster` and `secrets` are set before the first test.
 */
export function writerLab(name: string) {
  let dir = '';
  let made: TestCluster | null = null;
  const loops = new LoopDevices();
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), `kubeflash-${name}-`));
    made = await testCluster();
  }, 60_000);
  afterEach(() => loops.detachAll());
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    loops,
    get dir() {
      return dir;
    },
    get cluster() {
      return made!.cluster;
    },
    get secrets() {
      return made!.secrets;
    },
  };
}

export interface TestCluster {
  cluster: Cluster;
  secrets: Secrets;
}

/** A two-node cluster and its secrets: generate once per test file (key generation is slow). */
export async function testCluster(): Promise<TestCluster> {
  const cluster = createCluster({
    name: 'lab',
    subnet: '192.168.1.0/24',
    gateway: '192.168.1.1',
    dns: ['192.168.1.1'],
    firstIp: '192.168.1.11',
    controlPlanes: 1,
    workers: 2,
  });
  return { cluster, secrets: await generateClusterSecrets(cluster) };
}

/** The real payload for node `index` on the OS found in the image, as main/provision makes it. */
export async function nodePayload(
  { cluster, secrets }: TestCluster,
  imagePath: string,
  index: number,
): Promise<{ payload: BootPayload; hostname: string }> {
  const node = cluster.spec.nodes[index]!;
  const { payload } = await payloadForTarget(imagePath, {
    cluster,
    node,
    secrets,
    flashedAt: new Date(),
  });
  return { payload, hostname: node.hostname };
}

export { toFlashRequest as flashRequest } from '../../../../main/flash/flash-service';

/**
 * The boot partition of a device as mtools reads it, through a symlink in `dir` (the helpers
 * put their scratch folders beside the image path, which must not be /dev).
 */
export async function readBootWithMtools(
  device: string,
  offset: number,
  dir: string,
): Promise<Map<string, Buffer>> {
  const link = join(dir, `${device.replace(/\W/g, '_')}-${Date.now()}`);
  await symlink(device, link);
  try {
    return await mtoolsReadAll(link, offset);
  } finally {
    await rm(link, { force: true });
  }
}

/** `fsck.vfat -n` on a device's boot partition (copied out with dd); exit code 0 means clean. */
export async function fsckBoot(device: string, region: ImageRegion, dir: string) {
  const copy = await mkdtemp(join(dir, 'fsck-'));
  try {
    const file = join(copy, 'boot.img');
    await extractPartition(device, region, file);
    return await runStatus('fsck.vfat', ['-n', file]);
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
}

/** Reads `length` bytes at `offset` of a file or device. */
export async function readRange(path: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

/** Whether two files or devices hold the same bytes in [start, end). */
export async function sameRange(a: string, b: string, start: number, end: number) {
  for (let at = start; at < end; at += 4 * MiB) {
    const length = Math.min(4 * MiB, end - at);
    const [x, y] = await Promise.all([readRange(a, at, length), readRange(b, at, length)]);
    if (!x.equals(y)) return false;
  }
  return true;
}

/** The phases of a card whose payload came after its request: the boot area is written last. */
export const bootAreaLastPhases = [
  'checking',
  'writing',
  'verifying',
  'configuring',
  'writing',
  'verifying',
  'reading-back',
  'ejecting',
];

/** Each payload file is on the device's boot partition (read with mtools), and its FAT is clean. */
export async function expectPayloadOnCard(
  device: string,
  boot: ImageRegion,
  payload: BootPayload,
  dir: string,
): Promise<Map<string, Buffer>> {
  const onCard = await readBootWithMtools(device, boot.offset, dir);
  for (const file of payload.files) {
    expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
  }
  const fsck = await fsckBoot(device, boot, dir);
  expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
  return onCard;
}

/**
 * Copies a device's ext4 partition into `copy` and checks it with `e2fsck -fn`, which must find
 * it clean; the copy stays for further reading (debugfs).
 */
export async function expectExt4Clean(device: string, region: ImageRegion, copy: string) {
  await extractPartition(device, region, copy);
  const check = await runStatus('e2fsck', ['-fn', copy]);
  expect(check.code, check.stdout + check.stderr).toBe(0);
}

/** Progress events grouped by phase, in the order the phases came. */
export function phasesOf(events: FlashProgress[]): string[] {
  return events.map((e) => e.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);
}

/**
 * Outside its boot partition a card written from a blank one equals the image, byte for byte,
 * but for the sequence number (and checksum) of a clean ext4 journal, renewed on purpose.
 */
export async function expectImageOutsideBoot(
  device: string,
  image: FixtureImage,
  dir: string,
): Promise<void> {
  const boot = image.boot!;
  expect(await sameRange(device, image.path, 0, boot.offset)).toBe(true);
  let from = boot.offset + boot.size;
  for (const at of await journalSuperblocks(image, dir)) {
    expect(await sameRange(device, image.path, from, at)).toBe(true);
    const [onCard, inImage] = [
      await readRange(device, at, 1024),
      await readRange(image.path, at, 1024),
    ];
    expect(onCard.readUInt32BE(24)).not.toBe(inImage.readUInt32BE(24)); // s_sequence
    for (const field of [24, 0xfc]) {
      onCard.writeUInt32BE(0, field);
      inImage.writeUInt32BE(0, field);
    }
    expect(onCard).toEqual(inImage);
    from = at + 1024;
  }
  expect(await sameRange(device, image.path, from, image.size)).toBe(true);
}

/** Where the ext4 journals' superblocks are in an image (debugfs: inode 8, block 0). */
async function journalSuperblocks(image: FixtureImage, dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const partition of image.partitions.filter((p) => p.filesystem === 'ext4')) {
    const copy = join(dir, `journal-probe-${partition.index}.img`);
    await extractPartition(image.path, partition, copy);
    try {
      const block = Number((await run('debugfs', ['-R', 'bmap <8> 0', copy])).trim());
      const blockSize = Number(
        /^Block size:\s+(\d+)/m.exec(await run('dumpe2fs', ['-h', copy]))![1],
      );
      found.push(partition.offset + block * blockSize);
    } finally {
      await rm(copy, { force: true });
    }
  }
  return found.sort((a, b) => a - b);
}
