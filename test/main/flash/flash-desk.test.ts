import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FlashFinishedEvent, FlashProgressEvent } from '../../../common/flash';
import { FlashDesk, type FlashDeskEvents } from '../../../main/flash/flash-desk';
import type { FlashService, FlashStepProgress } from '../../../main/flash/flash-service';
import type { CatalogImage } from '../../../main/flash/image';

let workDir: string;
let slowServer: Server;
let slowUrl: string;
let requestsSeen = 0;

/** A download server that sends a first chunk and then nothing until the client goes away. */
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'kubeflash-desk-'));
  slowServer = createServer((req, res) => {
    requestsSeen += 1;
    res.writeHead(200, { 'Content-Length': String(10 * 1024 * 1024) });
    res.write(Buffer.alloc(64 * 1024, 1));
    req.socket.on('close', () => res.destroy());
  });
  await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
  slowUrl = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/slow.img.xz`;
});

afterAll(async () => {
  slowServer.closeAllConnections();
  await new Promise((resolve) => slowServer.close(resolve));
  await rm(workDir, { recursive: true, force: true });
});

interface Recorded {
  image: Parameters<FlashDeskEvents['imageProgress']>[0][];
  progress: FlashProgressEvent[];
  finished: FlashFinishedEvent[];
}

/** A flash service whose jobs the test drives by hand: report progress, then succeed or fail. */
function manualService() {
  const jobs: {
    report: (p: FlashStepProgress) => void;
    succeed: () => void;
    fail: (e: Error) => void;
  }[] = [];
  const service = {
    flashNode: (
      request: { hostname: string; device: string },
      onProgress: (p: FlashStepProgress) => void,
    ) =>
      new Promise((resolve, reject) => {
        jobs.push({
          report: onProgress,
          succeed: () =>
            resolve({
              hostname: request.hostname,
              device: request.device,
              family: 'ubuntu',
              result: { bytesWritten: 1234, ejected: false },
            }),
          fail: reject,
        });
      }),
  } as unknown as FlashService;
  return { service, jobs };
}

function desk(cacheDir: string, service: FlashService, catalog: CatalogImage[] = []) {
  const recorded: Recorded = { image: [], progress: [], finished: [] };
  const flashDesk = new FlashDesk({
    service,
    listDrives: async () => [],
    catalogs: async () => ({ images: catalog, problems: [] }),
    cache: { dir: cacheDir, maxBytes: 1024 ** 3 },
    allowLoop: () => true,
    events: {
      imageProgress: (e) => recorded.image.push(e),
      flashProgress: (e) => recorded.progress.push(e),
      flashFinished: (e) => recorded.finished.push(e),
    },
  });
  return { flashDesk, recorded };
}

const writing = (bytes: number): FlashStepProgress =>
  ({
    step: 'card',
    progress: {
      phase: 'writing',
      bytes,
      total: 1000,
      bytesPerSecond: 10,
      etaSeconds: 5,
    },
  }) as FlashStepProgress;

describe('FlashDesk.listFlashJobs', () => {
  it('lists a running job with its latest progress, then its outcome', async () => {
    const { service, jobs } = manualService();
    const { flashDesk, recorded } = desk(join(workDir, 'cache-list'), service);
    expect(flashDesk.listFlashJobs()).toEqual([]);

    const { jobId } = flashDesk.flashNode({
      path: '/clusters/lab.yaml',
      hostname: 'rpi-01',
      device: '/dev/loop7',
    });
    const [started] = flashDesk.listFlashJobs();
    expect(started).toMatchObject({
      jobId,
      hostname: 'rpi-01',
      device: '/dev/loop7',
      clusterPath: '/clusters/lab.yaml',
      progress: null,
      finished: null,
    });

    jobs[0]!.report(writing(100));
    jobs[0]!.report(writing(400));
    expect(flashDesk.listFlashJobs()[0]!.progress).toMatchObject({
      step: 'card',
      phase: 'writing',
      bytes: 400,
      total: 1000,
    });

    jobs[0]!.succeed();
    await expect.poll(() => recorded.finished.length).toBe(1);
    expect(flashDesk.listFlashJobs()[0]!.finished).toMatchObject({
      ok: true,
      family: 'ubuntu',
      bytesWritten: 1234,
      ejected: false,
      error: null,
    });
  });

  it('keeps a failed job with its error, and several jobs in the order they started', async () => {
    const { service, jobs } = manualService();
    const { flashDesk, recorded } = desk(join(workDir, 'cache-fail'), service);
    flashDesk.flashNode({ path: '/c/lab.yaml', hostname: 'a', device: '/dev/loop1' });
    flashDesk.flashNode({ path: '/c/lab.yaml', hostname: 'b', device: '/dev/loop2' });
    jobs[1]!.fail(new Error('No space left on the card'));
    await expect.poll(() => recorded.finished.length).toBe(1);
    const [a, b] = flashDesk.listFlashJobs();
    expect(a).toMatchObject({ hostname: 'a', finished: null });
    expect(b!.hostname).toBe('b');
    expect(b!.finished?.ok).toBe(false);
    expect(b!.finished?.error?.message).toBe('No space left on the card');
  });

  it('forgets the oldest finished jobs beyond the last twenty', async () => {
    const { service, jobs } = manualService();
    const { flashDesk, recorded } = desk(join(workDir, 'cache-many'), service);
    for (let i = 0; i < 25; i += 1) {
      flashDesk.flashNode({ path: '/c/lab.yaml', hostname: `n${i}`, device: `/dev/loop${i}` });
    }
    for (const job of jobs.slice(0, 24)) job.succeed();
    await expect.poll(() => recorded.finished.length).toBe(24);
    const listed = flashDesk.listFlashJobs();
    // The running one is always kept; of the 24 finished, the newest 20.
    expect(listed).toHaveLength(21);
    expect(listed.map((j) => j.hostname)).not.toContain('n0');
    expect(listed.some((j) => j.hostname === 'n24' && j.finished === null)).toBe(true);
  });
});

describe('FlashDesk.cancelInspectImage', () => {
  it('stops a download under way; the check fails as cancelled and nothing enters the cache', async () => {
    const cacheDir = join(workDir, 'cache-cancel');
    const image: CatalogImage = {
      id: 'slow-os',
      name: 'Slow OS',
      description: '',
      group: [],
      icon: null,
      website: null,
      url: slowUrl,
      releaseDate: null,
      initFormat: null,
      devices: [],
      family: null,
      downloadSize: 10 * 1024 * 1024,
      downloadSha256: null,
      extractSize: null,
      extractSha256: null,
      checksum: 'not-published',
      checksumUrl: null,
      source: 'built-in',
    };
    const { flashDesk, recorded } = desk(cacheDir, manualService().service, [image]);
    expect(flashDesk.cancelInspectImage('slow-os')).toBe(false); // nothing runs yet

    const check = flashDesk.inspectImage('slow-os');
    check.catch(() => {});
    await expect.poll(() => recorded.image.some((e) => e.bytes > 0)).toBe(true);
    expect(requestsSeen).toBeGreaterThan(0);
    expect(flashDesk.cancelInspectImage('slow-os')).toBe(true);
    await expect(check).rejects.toThrow(/cancelled/);
    expect(flashDesk.cancelInspectImage('slow-os')).toBe(false); // it is over

    const cached = await readdir(join(cacheDir, 'images')).catch(() => []);
    const temporary = await readdir(join(cacheDir, 'tmp')).catch(() => []);
    expect([...cached, ...temporary]).toEqual([]);
  });

  it('counts uploaded images in the cache size, and clearing the cache removes them', async () => {
    const cacheDir = join(workDir, 'cache-clear');
    await mkdir(join(cacheDir, 'uploads', 'abc'), { recursive: true });
    await writeFile(join(cacheDir, 'uploads', 'abc', 'card.img'), 'x');
    const { flashDesk } = desk(cacheDir, manualService().service);
    expect((await flashDesk.imageCache()).totalBytes).toBe(1); // the upload is counted
    const cleared = await flashDesk.clearImageCache();
    expect(await readdir(cacheDir)).not.toContain('uploads');
    expect(cleared.totalBytes).toBe(0);
  });
});
