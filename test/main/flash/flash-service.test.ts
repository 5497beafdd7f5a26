import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

import type { Drive } from '../../../common/drives';
import { ClusterWorkspace } from '../../../main/cluster';
import { FlashService, type FlashStepProgress } from '../../../main/flash/flash-service';
import { multiThreadedXz } from '../../../main/flash/image/system-tools';
import { parseImageReference, resolveImage } from '../../../main/flash/image-reference';
import { StartedImage } from '../../../main/flash/started-image';
import type { WriterConnection } from '../../../main/flash/writer/host';
import type { BootPayloadMessage, FlashRequest } from '../../../main/flash/writer/protocol';
import {
  type FixtureImage,
  makeFixtureImage,
  requireFixtureTools,
} from '../../support/fixture-images';
import { createLoopbackLab, recordedStatus, setDefaultImage } from '../../support/flash-lab';
import { hasCommand, requirePrerequisite } from '../../support/prerequisites';
import { failBeforeEnd, pauseAfterFirstMiB, withStandInXz } from './image/image-fixtures';

const GiB = 1024 ** 3;
const passphrase = 'correct horse battery staple';
const card: Drive = {
  device: '/dev/kubeflash-test-card',
  description: 'test card',
  size: 8 * GiB,
  removable: true,
  system: false,
  readOnly: false,
  mountpoints: [],
  loop: false,
};

/**
 * A writer that records what it was asked to write (with the extents of a growing image, a
 * payload that follows its request, and cancels) and reports success once it has a payload.
 */
function recordingWriter() {
  const requests: FlashRequest[] = [];
  const extents: string[] = [];
  const payloads: { jobId: string; payload: BootPayloadMessage }[] = [];
  const cancelled: string[] = [];
  const jobs = new Map<
    string,
    { payload: (message: BootPayloadMessage) => void; cancel: () => void }
  >();
  const writer = {
    identify: async (device: string) => ({
      device,
      size: card.size,
      serial: null,
      firstMiBSha256: '0'.repeat(64),
    }),
    flash: (request: FlashRequest) => {
      requests.push(request);
      const jobId = `job-${requests.length}`;
      const payload = new Promise<BootPayloadMessage>((resolve, reject) => {
        if (request.payload) resolve(request.payload);
        jobs.set(jobId, { payload: resolve, cancel: () => reject(new Error('Cancelled')) });
      });
      const result = payload.then((message) => ({
        bytesWritten: 1,
        verified: true,
        bootFilesVerified: message.files.length,
        ejected: false,
      }));
      return { jobId, result };
    },
    imageExtent: (jobId: string, bytes: number, complete: boolean) =>
      extents.push(`${jobId} ${bytes}${complete ? ' complete' : ''}`),
    payload: (jobId: string, message: BootPayloadMessage) => {
      payloads.push({ jobId, payload: message });
      jobs.get(jobId)?.payload(message);
    },
    cancel: (jobId: string) => {
      cancelled.push(jobId);
      jobs.get(jobId)?.cancel();
    },
  };
  return { writer: writer as unknown as WriterConnection, requests, extents, payloads, cancelled };
}

/** Resolves once `ready` holds, polling every 10 ms, at most `limitMs`. */
async function until(ready: () => boolean, limitMs = 10_000): Promise<boolean> {
  for (let waited = 0; !ready() && waited < limitMs; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return ready();
}

/** flashNode while the secrets are still being unlocked (as the CLI runs it). */
describe('FlashService with the unlock under way', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeflash-flash-service-'));
  const plan = join(dir, 'lab.yaml');
  let hostname = '';

  beforeAll(async () => {
    hostname = (await createLoopbackLab(plan, passphrase)).hostnames[0]!;
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /**
   * An unlock of the plan's secrets that begins only once `release` is called, and the request
   * of a card flashed while it runs.
   */
  function heldUnlock(workspace: ClusterWorkspace, withPassphrase: string) {
    let release!: () => void;
    const unlocking = new Promise<void>((resolve) => {
      release = resolve;
    }).then(() => workspace.unlock(plan, withPassphrase));
    const request = (image: string) => ({
      clusterPath: plan,
      hostname,
      device: card.device,
      image,
      secretsUnlocking: unlocking,
    });
    return { request, release };
  }

  function service(workspace: ClusterWorkspace, cacheName: string) {
    const { writer, requests, extents, payloads, cancelled } = recordingWriter();
    const flashService = new FlashService({
      workspace,
      writer: async () => writer,
      listDrives: async () => [card],
      catalog: async () => [],
      cache: { dir: join(dir, cacheName), maxBytes: 4 * GiB },
    });
    return { flashService, requests, extents, payloads, cancelled };
  }

  /** A fixture image the service's cache already knows (its hash remembered): a next card. */
  async function knownImage(fileName: string, cacheName: string) {
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName });
    const prepared = await resolveImage(parseImageReference(image.path), {
      cacheDir: join(dir, cacheName),
      maxCacheBytes: 4 * GiB,
      catalog: async () => [],
    });
    prepared.release();
    return image;
  }

  it('starts a card from a known image while the secrets unlock; the payload follows', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await knownImage('known.img', 'cache-known');
    const workspace = new ClusterWorkspace();
    const { flashService, requests, payloads } = service(workspace, 'cache-known');
    const { request, release: startUnlock } = heldUnlock(workspace, passphrase);

    const flashing = flashService.flashNode(request(image.path));
    // The card is started without its payload, which cannot be made yet.
    expect(await until(() => requests.length === 1)).toBe(true);
    expect(requests[0]!.payload).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(payloads).toHaveLength(0);

    startUnlock();
    const outcome = await flashing;
    expect(outcome).toMatchObject({ hostname, device: card.device, family: image.family });
    expect(requests).toHaveLength(1);
    expect(payloads.map((p) => p.jobId)).toEqual(['job-1']);
    const firstrun = payloads[0]!.payload.files.find((f) => f.path === 'firstrun.sh');
    expect(Buffer.from(firstrun!.contentBase64, 'base64').toString('utf8')).toContain(hostname);
    expect(recordedStatus(plan, hostname)).toBe('flashed');
  }, 60_000);

  it('hashes a new image while the secrets unlock, and writes only once they are', async (ctx) => {
    requireFixtureTools(ctx);
    const image: FixtureImage = await makeFixtureImage('raspios-bookworm', dir);
    const workspace = new ClusterWorkspace();
    const { flashService, requests, payloads } = service(workspace, 'cache-1');
    const { request, release: startUnlock } = heldUnlock(workspace, passphrase);
    const steps: FlashStepProgress[] = [];

    const flashing = flashService.flashNode(request(image.path), (progress) =>
      steps.push(progress),
    );
    // The image is hashed through to the end while the secrets are still locked…
    const hashed = () =>
      steps.some((s) => s.step === 'image' && s.progress.bytesRead === image.size);
    expect(await until(hashed)).toBe(true);
    // …but nothing is written before they are unlocked: the card waits for its payload.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requests).toHaveLength(0);

    startUnlock();
    await flashing;
    expect(requests[0]!.payload?.family).toBe(image.family);
    expect(payloads).toHaveLength(0);
  }, 60_000);

  it('a wrong passphrase found after the card started cancels it, is the error, and marks the node', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await knownImage('late-fail.img', 'cache-late');
    const workspace = new ClusterWorkspace();
    const { flashService, requests, payloads, cancelled } = service(workspace, 'cache-late');
    const { request, release: failUnlock } = heldUnlock(workspace, 'not the passphrase');
    const flashing = flashService.flashNode(request(image.path));
    flashing.catch(() => {});
    expect(await until(() => requests.length === 1)).toBe(true);
    failUnlock();
    await expect(flashing).rejects.toThrow(/Wrong passphrase/);
    expect(cancelled).toEqual(['job-1']);
    expect(payloads).toHaveLength(0);
    // The card was partly written (without a partition table): the node must be flashed again.
    expect(recordedStatus(plan, hostname)).toBe('flash-failed');
  }, 60_000);

  it('with the secrets unlocked, the payload goes with the request', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'unlocked.img' });
    const workspace = new ClusterWorkspace();
    await workspace.unlock(plan, passphrase);
    const { flashService, requests, payloads } = service(workspace, 'cache-unlocked');
    // Also when an unlock was passed, if it has ended by the time the card starts.
    for (const secretsUnlocking of [undefined, Promise.resolve()]) {
      await flashService.flashNode({
        clusterPath: plan,
        hostname,
        device: card.device,
        image: image.path,
        secretsUnlocking,
      });
    }
    expect(requests.map((r) => r.payload?.family)).toEqual([image.family, image.family]);
    expect(payloads).toHaveLength(0);
  }, 60_000);

  it('a failed unlock stops the image preparation and is the error', async (ctx) => {
    requireFixtureTools(ctx);
    // A real image made 64 GiB long (sparse): hashing all of it would take a minute.
    const huge = await makeFixtureImage('ubuntu', dir, { fileName: 'huge.img' });
    execFileSync('truncate', ['-s', String(64 * GiB), huge.path]);
    const workspace = new ClusterWorkspace();
    const { flashService, requests } = service(workspace, 'cache-2');
    const steps: FlashStepProgress[] = [];
    const bytesRead = () =>
      Math.max(0, ...steps.map((s) => (s.step === 'image' ? s.progress.bytesRead : 0)));
    const { request, release: failUnlock } = heldUnlock(workspace, 'not the passphrase');

    const flashing = flashService.flashNode(request(huge.path), (progress) => steps.push(progress));
    flashing.catch(() => {});
    expect(await until(() => bytesRead() > 0)).toBe(true); // the image is being hashed
    failUnlock();
    await expect(flashing).rejects.toThrow(/Wrong passphrase/);
    const readWhenFailed = bytesRead();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The hash stopped with the failure, far from the end, and nothing was written.
    expect(bytesRead()).toBe(readWhenFailed);
    expect(readWhenFailed).toBeLessThan(16 * GiB);
    expect(requests).toHaveLength(0);
    rmSync(huge.path);
  }, 60_000);

  it('uses an image preparation started before it (the CLI’s early start), with its progress', async (ctx) => {
    requireFixtureTools(ctx);
    requirePrerequisite(ctx, hasCommand('xz'), 'xz to make the test archive');
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'early.img' });
    execFileSync('xz', ['-T0', '-1', '-k', image.path]);
    const archive = `${image.path}.xz`;
    const workspace = new ClusterWorkspace();
    await workspace.unlock(plan, passphrase);
    const { flashService, requests } = service(workspace, 'cache-service');
    const earlyCache = join(dir, 'cache-early');
    const started = new StartedImage(archive, {
      cacheDir: earlyCache,
      maxCacheBytes: 4 * GiB,
      catalog: async () => [],
    });
    const steps: FlashStepProgress[] = [];

    const outcome = await flashService.flashNode(
      { clusterPath: plan, hostname, device: card.device, image: archive, imageStarted: started },
      (progress) => steps.push(progress),
    );
    expect(outcome.family).toBe(image.family);
    // The card was written from the early preparation's image (its own cache folder)…
    expect(requests[0]!.imagePath.startsWith(earlyCache)).toBe(true);
    // …and its progress reached this flash.
    expect(steps.some((s) => s.step === 'image' && s.progress.phase === 'decompressing')).toBe(
      true,
    );
  }, 60_000);

  /** A fixture image and its .xz, the secrets unlocked, a service with its own cache. */
  async function xzCase(ctx: TestContext, name: string) {
    requireFixtureTools(ctx);
    const xz = multiThreadedXz();
    requirePrerequisite(ctx, xz !== null, 'xz ≥ 5.4 (it writes the image itself)');
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: `${name}.img` });
    execFileSync('xz', ['-T0', '-1', '-k', image.path]);
    const workspace = new ClusterWorkspace();
    await workspace.unlock(plan, passphrase);
    return { xz: xz!, image, archive: `${image.path}.xz`, ...service(workspace, `cache-${name}`) };
  }

  it('writes a first card while its .xz is still decompressed: final size first, then how far it is', async (ctx) => {
    const { xz, image, archive, flashService, requests, extents } = await xzCase(ctx, 'one-pass');

    const outcome = await withStandInXz(xz, dir, pauseAfterFirstMiB(1), () =>
      flashService.flashNode({ clusterPath: plan, hostname, device: card.device, image: archive }),
    );
    expect(outcome.family).toBe(image.family); // detected in the image as it grew
    const request = requests[0]!;
    expect(request.imageGrowing).toEqual({ size: image.size });
    // The writer read a link of its own to the growing file; it is gone, the image is cached.
    expect(request.imagePath).toMatch(/[/\\]tmp[/\\][0-9a-f]+\.img\.part\.card-[0-9a-f]+$/);
    expect(existsSync(request.imagePath)).toBe(false);
    // How far the card got before the image was complete depends on where the image keeps
    // what detecting and configuring read (the benchmark measures it); the extents only grow.
    const bytes = extents.map((e) => Number(e.split(' ')[1]));
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(extents.at(-1)).toBe(`job-1 ${image.size} complete`);
    const again = await flashService.flashNode({
      clusterPath: plan,
      hostname,
      device: card.device,
      image: archive,
    });
    expect(again.family).toBe(image.family);
    expect(requests[1]!.imageGrowing).toBeUndefined(); // from the cache now
    expect(requests[1]!.imagePath).toContain(join('cache-one-pass', 'images'));
  }, 60_000);

  it('a card from an image still being decompressed waits for the unlock: its payload goes with the request', async (ctx) => {
    const { xz, image, archive, flashService, requests, payloads } = await xzCase(
      ctx,
      'slow-unlock',
    );
    const outcome = await withStandInXz(xz, dir, pauseAfterFirstMiB(1), () =>
      flashService.flashNode({
        clusterPath: plan,
        hostname,
        device: card.device,
        image: archive,
        // Unlocked already (xzCase), but the flash is told of an unlock that ends later.
        secretsUnlocking: new Promise((resolve) => setTimeout(resolve, 1_500)),
      }),
    );
    expect(outcome.family).toBe(image.family);
    expect(requests[0]!.imageGrowing).toEqual({ size: image.size });
    expect(requests[0]!.payload?.family).toBe(image.family);
    expect(payloads).toHaveLength(0);
  }, 60_000);

  it('a failed unlock while the OS is detected in a growing image is the error, not the stopped image', async (ctx) => {
    const { xz, archive, flashService, requests } = await xzCase(ctx, 'unlock-fails-growing');
    const wrong = new Error('Wrong passphrase (test)');
    const error = await withStandInXz(xz, dir, pauseAfterFirstMiB(3), () =>
      flashService.flashNode({
        clusterPath: plan,
        hostname,
        device: card.device,
        image: archive,
        // Fails while detection waits for the image past its first MiB.
        secretsUnlocking: new Promise((_resolve, reject) => setTimeout(() => reject(wrong), 800)),
      }),
    ).catch((e: unknown) => e);
    expect(error).toBe(wrong);
    expect(requests).toHaveLength(0);
  }, 60_000);

  it('a preparation started early relays its growing image, also one that grew before the flash followed', async (ctx) => {
    const { xz, image, archive, flashService, requests, extents } = await xzCase(
      ctx,
      'early-growing',
    );
    const outcome = await withStandInXz(xz, dir, pauseAfterFirstMiB(2), async () => {
      const started = new StartedImage(archive, {
        cacheDir: join(dir, 'cache-early-growing'),
        maxCacheBytes: 4 * GiB,
        catalog: async () => [],
      });
      // Growing already (its first MiB is out, the stand-in pauses 2 s) before the flash asks.
      let grown = false;
      started.follow(
        () => {},
        new AbortController().signal,
        () => (grown = true),
      );
      expect(await until(() => grown, 1_500)).toBe(true);
      return flashService.flashNode({
        clusterPath: plan,
        hostname,
        device: card.device,
        image: archive,
        imageStarted: started,
      });
    });
    expect(outcome.family).toBe(image.family);
    expect(requests[0]!.imageGrowing).toEqual({ size: image.size });
    expect(extents.at(-1)).toBe(`job-1 ${image.size} complete`);
  }, 60_000);

  it('an .xz found damaged part way fails the card being written with its error, and the node is marked', async (ctx) => {
    const { xz, image, archive, flashService, requests, cancelled } = await xzCase(ctx, 'damaged');

    // All but the last 64 KiB (zeros here: nothing the flash reads before it writes), then the
    // tool fails, as xz does on a damaged last block.
    const error = await withStandInXz(xz, dir, failBeforeEnd(image.size, 65_536, 1), () =>
      flashService.flashNode({ clusterPath: plan, hostname, device: card.device, image: archive }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ problem: 'corrupt-archive' });
    expect((error as Error).message).toMatch(
      /damaged\.img\.xz is damaged.*Compressed data is corrupt/,
    );
    expect(requests[0]!.imageGrowing).toEqual({ size: image.size }); // the card had begun
    expect(cancelled).toEqual(['job-1']);
    expect(recordedStatus(plan, hostname)).toBe('flash-failed');
    expect(readdirSync(join(dir, 'cache-damaged', 'tmp'))).toEqual([]);
  }, 60_000);

  it('a started image for another file is cancelled, and the flash prepares its own', async (ctx) => {
    requireFixtureTools(ctx);
    const wanted = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'wanted.img' });
    const other = await makeFixtureImage('ubuntu', dir, { fileName: 'other.img' });
    execFileSync('truncate', ['-s', String(64 * GiB), other.path]);
    const workspace = new ClusterWorkspace();
    await workspace.unlock(plan, passphrase);
    const { flashService, requests } = service(workspace, 'cache-3');
    const started = new StartedImage(other.path, {
      cacheDir: join(dir, 'cache-3'),
      maxCacheBytes: 4 * GiB,
      catalog: async () => [],
    });
    const unused = started.follow(() => {}, new AbortController().signal);

    await flashService.flashNode({
      clusterPath: plan,
      hostname,
      device: card.device,
      image: wanted.path,
      imageStarted: started,
    });
    expect(requests[0]!.imagePath).toBe(wanted.path);
    // Hashing the 64 GiB file would take a minute: it was stopped.
    await expect(unused).rejects.toThrow(/cancel/i);
    rmSync(other.path);
  }, 60_000);

  it('startImage prepares a node’s image (the plan’s default), reusing a preparation of it and cancelling another', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'default.img' });
    const other = await makeFixtureImage('ubuntu', dir, { fileName: 'elsewhere.img' });
    execFileSync('truncate', ['-s', String(64 * GiB), other.path]);
    const planWithDefault = join(dir, 'defaults.yaml');
    const { hostnames } = await createLoopbackLab(planWithDefault, passphrase);
    setDefaultImage(planWithDefault, image.path);
    const { flashService } = service(new ClusterWorkspace(), 'cache-4');
    const elsewhere = new StartedImage(other.path, {
      cacheDir: join(dir, 'cache-4'),
      maxCacheBytes: 4 * GiB,
      catalog: async () => [],
    });
    const unused = elsewhere.follow(() => {}, new AbortController().signal);

    const started = await flashService.startImage(planWithDefault, hostnames[0]!, {
      reuse: elsewhere,
    });
    expect(started.text).toBe(image.path);
    // The 64 GiB file's hash was stopped, not left running.
    await expect(unused).rejects.toThrow(/cancel/i);
    // The next node has the same image: the preparation under way serves it.
    const again = await flashService.startImage(planWithDefault, hostnames[1]!, { reuse: started });
    expect(again).toBe(started);
    const prepared = await started.follow(() => {}, new AbortController().signal);
    expect(prepared.rawPath).toBe(image.path); // a raw image is used where it is
    prepared.release();
    await expect(flashService.startImage(planWithDefault, 'rpi-nowhere')).rejects.toThrow(
      /No node named rpi-nowhere/,
    );
    rmSync(other.path);
  }, 60_000);
});
