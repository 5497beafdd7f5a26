import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { payloadMessage } from '../../../../main/flash/flash-service';
import type { DiscardReport } from '../../../../main/flash/writer/discard-unused';
import { executeFlash } from '../../../../main/flash/writer/execute-flash';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import { PendingPayload } from '../../../../main/flash/writer/pending-payload';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import { parseBootSector } from '../../../../main/provision/disk';
import { cgroupKernelArgs } from '../../../../main/provision/model';
import {
  fixtureFamilies,
  type FixtureKind,
  makeFixtureImage,
  pseudoRandomBytes,
  run,
} from '../../../support/fixture-images';
import {
  allocatedBytes,
  blankCard,
  expectExt4Clean,
  expectImageOutsideBoot,
  flashRequest,
  fsckBoot,
  MiB,
  nodePayload,
  phasesOf,
  readBootWithMtools,
  readRange,
  requireLoopDevices,
  writerLab,
} from './writer-fixtures';

const KiB = 1024;

const roundUp = (value: number, unit: number) => Math.ceil(value / unit) * unit;

/** The last event of each run of `phase` (one run per write pass). */
function lastOfEachRun(events: FlashProgress[], phase: FlashProgress['phase']): FlashProgress[] {
  return events.filter((e, i) => e.phase === phase && events[i + 1]?.phase !== phase);
}

// The writer's engine on real block devices (loop devices over sparse files): every OS fixture
// is flashed from its raw image with a real node payload, then read back by tools that share
// no code with ours (mtools, fsck.vfat, e2fsck, the kernel's own write counters).
describe('executeFlash on loop devices', () => {
  const lab = writerLab('writer');
  const { loops } = lab;

  // The payload comes with the request (the app had the secrets unlocked), or after it (the
  // CLI still unlocks them): then the boot area is written last, in a second pass.
  const cases = (Object.keys(fixtureFamilies) as FixtureKind[]).flatMap((kind) =>
    (['with the request', 'after it'] as const).map((comes) => ({ kind, comes })),
  );
  for (const { kind, comes } of cases) {
    const follows = comes === 'after it';
    it(`${kind}, payload ${comes}: writes, verifies and configures the card; the boot files read back with mtools and fsck.vfat passes`, async (ctx) => {
      requireLoopDevices(ctx);
      const name = `${kind}${follows ? '-follows' : ''}`;
      const image = await makeFixtureImage(kind, lab.dir, { fileName: `${name}.img` });
      const { payload, hostname } = await nodePayload(lab, image.path, 1);
      const card = await blankCard(join(lab.dir, `${name}-card.img`), image.size + 4 * MiB);
      const device = await loops.attach(card);

      const identity = await identifyCard(device);
      expect(identity).toMatchObject({ device, size: image.size + 4 * MiB });
      expect(identity.serial).toMatch(new RegExp(`^loop:${card}:\\d+:\\d+$`));

      const events: FlashProgress[] = [];
      let discarded: DiscardReport | null = null;
      const pending = follows ? new PendingPayload() : null;
      const result = await executeFlash(
        flashRequest(image.path, identity, follows ? null : payload),
        (p) => {
          events.push(p);
          // The writer waits for the payload (configuring) after the first pass.
          if (p.phase === 'configuring') pending?.deliver(payloadMessage(payload));
        },
        new AbortController().signal,
        { onDiscarded: (r) => (discarded = r), payload: pending },
      );

      // What the kernel saw written is what the writer says it wrote.
      expect(await loops.written(device)).toBe(result.bytesWritten);
      const distinctPaths = new Set([...payload.files.map((f) => f.path), 'cmdline.txt']);
      expect(result).toEqual({
        bytesWritten: result.bytesWritten,
        verified: true,
        bootFilesVerified: distinctPaths.size,
        ejected: false, // a loop device is never ejected
      });

      // Only what the image allocates is written (+ 1 %), plus what the node's payload adds:
      // its files (new data in clusters that are free, i.e. holes, in the image) and the FAT
      // tables it rewrites — zeros for free clusters that the card must really hold, even
      // where the image file has holes. A clean ext4 journal and never-used inode tables
      // (holes in the image) are left out.
      const allocated = await allocatedBytes(image.path);
      const fat = parseBootSector(await readRange(image.path, image.boot!.offset, 512))!;
      const folders = new Set(
        payload.files.flatMap((f) =>
          f.path
            .split('/')
            .slice(0, -1)
            .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
        ),
      );
      // Each in whole pieces of the writer's granularity (4 KiB) or clusters, if larger.
      const piece = Math.max(fat.clusterSize, 4 * KiB);
      const payloadBytes =
        payload.files.reduce((n, f) => n + roundUp(f.content.length, piece), 0) +
        (folders.size + 1) * piece + // new folders, and the root folder's entries
        fat.fatCount * roundUp(fat.fatBytes, 4 * KiB) +
        roundUp(fat.rootDirBytes, 4 * KiB) +
        4 * KiB; // boot sector and FSInfo
      expect(result.bytesWritten).toBeGreaterThan(0);
      // Written last, the boot area's partition table is zeroed first: 64 KiB more.
      const bootArea = image.boot!.offset + image.boot!.size;
      const bootAreaLast = follows && bootArea < image.size;
      const zeroedTable = bootAreaLast ? 64 * KiB : 0;
      expect(result.bytesWritten).toBeLessThanOrEqual(
        allocated * 1.01 + payloadBytes + zeroedTable,
      );
      expect(result.bytesWritten).toBeLessThan(image.size / 4);
      expect(discarded!.freeFatBytes).toBeGreaterThan(image.boot!.size / 2);
      if (image.partitions.some((p) => p.filesystem === 'ext4')) {
        expect(discarded!.cleanJournalBytes).toBeGreaterThan(0);
        expect(discarded!.unusedInodeTableBytes).toBeGreaterThan(0);
      }

      // Progress: the phases in order, with sane numbers.
      expect(phasesOf(events)).toEqual([
        'checking',
        ...(bootAreaLast ? ['writing', 'verifying'] : []),
        'configuring',
        'writing',
        'verifying',
        'reading-back',
        'ejecting',
      ]);
      for (const e of events) {
        expect(e.bytes).toBeGreaterThanOrEqual(0);
        expect(Number.isFinite(e.bytesPerSecond)).toBe(true);
        if (e.etaSeconds !== null) expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
        if (e.total > 0) expect(e.bytes).toBeLessThanOrEqual(e.total);
      }

      // Each pass's writing ends at its total, and together they are what was written.
      const writes = lastOfEachRun(events, 'writing');
      for (const write of writes) {
        expect(write.bytes).toBe(write.total);
        expect(write.bytesPerSecond).toBeGreaterThan(0);
      }
      expect(writes.reduce((sum, w) => sum + w.total, 0)).toBe(result.bytesWritten);
      // No absurd speeds from a phase measured over microseconds (a loop device does < 100 GB/s).
      for (const e of events) expect(e.bytesPerSecond, JSON.stringify(events)).toBeLessThan(100e9);
      const verified = lastOfEachRun(events, 'verifying');
      expect(verified.reduce((sum, v) => sum + v.bytes, 0)).toBe(result.bytesWritten);

      // Independent readers: mtools sees exactly the payload, fsck.vfat finds the FAT clean.
      const boot = image.boot!;
      const onCard = await readBootWithMtools(device, boot.offset, lab.dir);
      for (const file of payload.files) {
        expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
      }
      const cmdline = onCard.get('cmdline.txt')!.toString('latin1');
      expect(cmdline.trimEnd().split('\n')).toHaveLength(1);
      for (const arg of cgroupKernelArgs) {
        expect(cmdline.split(/\s+/).filter((a) => a === arg)).toHaveLength(1);
      }
      // The image's own boot files are all there, unchanged unless the payload replaced them.
      for (const [path, content] of Object.entries(image.bootFiles)) {
        if (path === 'cmdline.txt' || payload.files.some((f) => f.path === path)) continue;
        expect(onCard.get(path), path).toEqual(Buffer.from(content));
      }
      const text = [...onCard.keys(), ...[...onCard.values()].map((b) => b.toString('latin1'))];
      expect(text.join('\n')).toContain(hostname);
      const fsck = await fsckBoot(device, boot, lab.dir);
      expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);

      // Outside the boot partition the (blank) card now equals the image.
      await expectImageOutsideBoot(device, image, lab.dir);
    }, 60_000);
  }

  it('a used card (old data everywhere) ends up with a clean FAT, a clean ext4 and the payload', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('raspios-bookworm', lab.dir, { fileName: 'used.img' });
    const { payload } = await nodePayload(lab, image.path, 0);
    // Old data on every sector: what trimmed (not written) ranges keep must not matter.
    const card = await blankCard(join(lab.dir, 'used-card.img'), image.size + 4 * MiB);
    await run('dd', [
      'if=/dev/urandom',
      `of=${card}`,
      'bs=1M',
      `count=${(image.size + 4 * MiB) / MiB}`,
      'conv=notrunc',
      'status=none',
    ]);
    const device = await loops.attach(card);
    const result = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload),
      () => {},
      new AbortController().signal,
    );
    expect(result.verified).toBe(true);
    const boot = image.boot!;
    const fsck = await fsckBoot(device, boot, lab.dir);
    expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
    const onCard = await readBootWithMtools(device, boot.offset, lab.dir);
    for (const file of payload.files) {
      expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
    }
    // The partition table is the image's; the root filesystem checks clean with e2fsck.
    expect(await readRange(device, 0, 512)).toEqual(await readRange(image.path, 0, 512));
    const root = image.partitions.find((p) => p.filesystem === 'ext4')!;
    const rootCopy = join(lab.dir, 'used-root.img');
    await expectExt4Clean(device, root, rootCopy);
    expect(await run('debugfs', ['-R', 'cat /usr/lib/os-release', rootCopy])).toContain(
      'VERSION_CODENAME="bookworm"',
    );
  }, 60_000);

  it('flashes an image file target too (no block device), and reads it back', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('ubuntu', lab.dir, { fileName: 'to-file.img' });
    const { payload } = await nodePayload(lab, image.path, 2);
    const card = await blankCard(join(lab.dir, 'to-file-card.img'), image.size);
    const identity = await identifyCard(card);
    expect(identity.serial).toBeNull();
    const result = await executeFlash(
      flashRequest(image.path, identity, payload),
      () => {},
      new AbortController().signal,
    );
    expect(result).toMatchObject({ verified: true, ejected: false });
    const fsck = await fsckBoot(card, image.boot!, lab.dir);
    expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
    const onCard = await readBootWithMtools(card, image.boot!.offset, lab.dir);
    for (const file of payload.files) {
      expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
    }
  }, 60_000);

  it('without verification: no verifying phase, verified false, the boot files still read back', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('hypriot', lab.dir, { fileName: 'noverify.img' });
    const { payload } = await nodePayload(lab, image.path, 2);
    const card = await blankCard(join(lab.dir, 'noverify-card.img'), image.size);
    const device = await loops.attach(card);
    const events: FlashProgress[] = [];
    const result = await executeFlash(
      flashRequest(image.path, await identifyCard(device), payload, false),
      (p) => events.push(p),
      new AbortController().signal,
    );
    expect(result.verified).toBe(false);
    expect(result.bootFilesVerified).toBeGreaterThan(0);
    expect(phasesOf(events)).toEqual([
      'checking',
      'configuring',
      'writing',
      'reading-back',
      'ejecting',
    ]);
    expect(events.filter((e) => e.phase === 'writing').at(-1)).toMatchObject({
      bytes: result.bytesWritten,
      total: result.bytesWritten,
    });
    expect((await fsckBoot(device, image.boot!, lab.dir)).code).toBe(0);
  }, 60_000);

  it('two loop devices flashed at once each get their own node', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('raspios-trixie', lab.dir, { fileName: 'pair.img' });
    // A file worth writing, so the two writes really overlap in time.
    await run(
      'mcopy',
      ['-i', `${image.path}@@${image.boot!.offset}`, await bigFile(), '::/big.bin'],
      {
        env: { MTOOLS_SKIP_CHECK: '1' },
      },
    );
    const nodes = [1, 2];
    const jobs = await Promise.all(
      nodes.map(async (index) => {
        const { payload, hostname } = await nodePayload(lab, image.path, index);
        const card = await blankCard(join(lab.dir, `pair-${index}.img`), image.size + MiB);
        const device = await loops.attach(card);
        return { payload, hostname, device, identity: await identifyCard(device) };
      }),
    );
    expect(jobs[0]!.hostname).not.toBe(jobs[1]!.hostname);
    const phases: string[][] = [[], []];
    const results = await Promise.all(
      jobs.map((job, i) =>
        executeFlash(
          flashRequest(image.path, job.identity, job.payload),
          (p) => phases[i]!.push(p.phase),
          new AbortController().signal,
        ),
      ),
    );
    for (const [i, job] of jobs.entries()) {
      expect(results[i]).toMatchObject({ verified: true });
      expect(phases[i]).toContain('reading-back');
      const onCard = await readBootWithMtools(job.device, image.boot!.offset, lab.dir);
      for (const file of job.payload.files) {
        expect(onCard.get(file.path), `${job.device} ${file.path}`).toEqual(
          Buffer.from(file.content),
        );
      }
      const text = [...onCard.values()].map((b) => b.toString('latin1')).join('\n');
      expect(text).toContain(job.hostname);
      expect(text).not.toContain(jobs[1 - i]!.hostname);
      expect((await fsckBoot(job.device, image.boot!, lab.dir)).code).toBe(0);
    }

    async function bigFile(): Promise<string> {
      const path = join(lab.dir, 'big.bin');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(path, pseudoRandomBytes(6 * MiB, 42));
      return path;
    }
  }, 60_000);

  it('the card in the slot must still be the one selected; its content is then re-checked', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('alpine', lab.dir, { fileName: 'again.img' });
    const { payload } = await nodePayload(lab, image.path, 1);
    const card = await blankCard(join(lab.dir, 'again-card.img'), image.size);
    const device = await loops.attach(card);
    const before = await identifyCard(device);
    await executeFlash(
      flashRequest(image.path, before, payload),
      () => {},
      new AbortController().signal,
    );
    // The card changed (it was flashed): its old identity no longer matches.
    const after = await identifyCard(device);
    expect(after.firstMiBSha256).not.toBe(before.firstMiBSha256);
    const error = await executeFlash(
      flashRequest(image.path, before, payload),
      () => {},
      new AbortController().signal,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid-request' });
    expect((error as Error).message).toMatch(/not the one you selected \(its content changed\)/);
  }, 60_000);
});
