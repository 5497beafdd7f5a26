import { stat } from 'node:fs/promises';
import { connect } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import {
  startWriter,
  type WriterConnection,
  type WriterRendezvous,
} from '../../../../main/flash/writer/host';
import {
  type FlashRequest,
  type FlashResult,
  writerProtocolVersion,
} from '../../../../main/flash/writer/protocol';
import { type FlashExecutor, runWriterProcess } from '../../../../main/flash/writer/writer-process';

const request: FlashRequest = {
  imagePath: '/tmp/image.img',
  card: { device: '/dev/loop9', size: 1 << 20, serial: null, firstMiBSha256: 'a'.repeat(64) },
  payload: {
    family: 'ubuntu',
    files: [{ path: 'user-data', contentBase64: 'I2Nsb3VkLWNvbmZpZwo=' }],
    edits: [],
  },
  verify: true,
};
const result: FlashResult = {
  bytesWritten: 1024,
  verified: true,
  bootFilesVerified: 1,
  ejected: false,
};

describe('writer protocol', () => {
  const connections: WriterConnection[] = [];
  afterEach(() => {
    for (const c of connections.splice(0)) if (!c.closed) c.close();
  });

  /** The writer side runs in this process; the code paths are the ones the real process uses. */
  async function start(execute: FlashExecutor, timing = {}) {
    const exits: string[] = [];
    let rendezvous: WriterRendezvous | undefined;
    const connection = await startWriter({
      ...timing,
      launch: (rv) => {
        rendezvous = rv;
        void runWriterProcess({
          rendezvousDir: rv.dir,
          execute,
          identify: async (device) => ({
            device,
            size: 1 << 20,
            serial: 'SN1',
            firstMiBSha256: 'b'.repeat(64),
          }),
          onExit: (r) => exits.push(r),
          ...timing,
        });
      },
    });
    connections.push(connection);
    return { connection, exits, rendezvous: rendezvous! };
  }

  it('authenticates the writer, runs a job with progress, and removes the one-time secret', async () => {
    const { connection, rendezvous } = await start(async (req, onProgress) => {
      expect(req).toEqual(request);
      onProgress({ phase: 'writing', bytes: 512, total: 1024, bytesPerSecond: 100, etaSeconds: 5 });
      return result;
    });
    expect((await stat(rendezvous.dir).catch(() => null))?.mode ?? 0o700).toSatisfy(
      (m: number) => (m & 0o077) === 0,
    );
    await expect(stat(rendezvous.secretPath)).rejects.toThrow();
    const progress: number[] = [];
    const job = connection.flash(request, (p) => progress.push(p.bytes));
    expect(await job.result).toEqual(result);
    expect(progress).toEqual([512]);
  });

  it('asks the writer for a card identity', async () => {
    const { connection } = await start(async () => result);
    expect(await connection.identify('/dev/loop7')).toEqual({
      device: '/dev/loop7',
      size: 1 << 20,
      serial: 'SN1',
      firstMiBSha256: 'b'.repeat(64),
    });
  });

  it('carries a writer error across with its code and message', async () => {
    const { connection } = await start(async () => {
      throw new KubeflashError(
        'permission-denied',
        '/dev/loop9 is read-only: unlock the card',
        '/dev/loop9',
      );
    });
    const error = await connection.flash(request, () => {}).result.catch((e: KubeflashError) => e);
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error).toMatchObject({
      code: 'permission-denied',
      message: '/dev/loop9 is read-only: unlock the card',
    });
  });

  it('cancels a job', async () => {
    const { connection } = await start(
      (_req, _progress, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted'))),
        ),
    );
    const job = connection.flash(request, () => {});
    setTimeout(() => connection.cancel(job.jobId), 20);
    await expect(job.result).rejects.toThrow('Cancelled');
  });

  it('tells the job how far a growing image is, in order, until it is complete', async () => {
    const seen: string[] = [];
    const { connection } = await start(async (req, _progress, signal, { extent }) => {
      expect(req.imageGrowing).toEqual({ size: 3000 });
      expect(extent?.size).toBe(3000);
      await extent!.waitFor(2000, signal);
      seen.push(`past 2000: ${extent!.available >= 2500}`);
      await extent!.waitFor(3000, signal);
      seen.push(`complete ${extent!.complete}`);
      return result;
    });
    const job = connection.flash({ ...request, imageGrowing: { size: 3000 } }, () => {});
    connection.imageExtent(job.jobId, 1000, false);
    connection.imageExtent(job.jobId, 2500, false);
    connection.imageExtent(job.jobId, 3000, true);
    expect(await job.result).toEqual(result);
    expect(seen).toEqual(['past 2000: true', 'complete true']);
    // A finished job's extents go nowhere (and fail nothing).
    connection.imageExtent(job.jobId, 3000, true);
  });

  it('gives a job for a complete image no extent', async () => {
    const { connection } = await start(async (req, _progress, _signal, { extent, payload }) => {
      expect(req.imageGrowing).toBeUndefined();
      expect(extent).toBeNull();
      expect(payload, 'the payload came with the request').toBeNull();
      return result;
    });
    expect(await connection.flash(request, () => {}).result).toEqual(result);
  });

  it('hands a job the payload its request came without, once, when the app sends it', async () => {
    const seen: string[] = [];
    const { connection } = await start(async (req, _progress, signal, { payload }) => {
      expect(req.payload).toBeNull();
      seen.push('started without a payload');
      const delivered = await payload!.wait(signal);
      seen.push(`payload for ${delivered.family}: ${delivered.files.map((f) => f.path).join()}`);
      return result;
    });
    const job = connection.flash({ ...request, payload: null }, () => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['started without a payload']);
    connection.payload(job.jobId, request.payload!);
    expect(await job.result).toEqual(result);
    expect(seen).toEqual(['started without a payload', 'payload for ubuntu: user-data']);
    // A finished job's payload goes nowhere (and fails nothing).
    connection.payload(job.jobId, request.payload!);
  });

  it('a job waiting for its payload is cancelled like any other', async () => {
    const { connection } = await start(async (_req, _progress, signal, { payload }) => {
      await payload!.wait(signal);
      return result;
    });
    const job = connection.flash({ ...request, payload: null }, () => {});
    setTimeout(() => connection.cancel(job.jobId), 20);
    await expect(job.result).rejects.toThrow('Cancelled');
  });

  it('refuses a connection without the secret and gives up after the timeout', async () => {
    const started = startWriter({
      connectTimeoutMs: 500,
      launch: (rv) => {
        const socket = connect(rv.socketPath);
        socket.on('error', () => {});
        socket.write(
          `${JSON.stringify({ type: 'hello', secret: 'f'.repeat(64), version: writerProtocolVersion, pid: 1 })}\n`,
        );
      },
    });
    await expect(started).rejects.toThrow(/did not start within/);
  });

  it('lets the writer exit when the app closes, and fails jobs when the writer goes away', async () => {
    const { connection, exits } = await start(() => new Promise(() => {}), {
      heartbeatMs: 50,
      silenceMs: 300,
    });
    const job = connection.flash(request, () => {});
    connection.close();
    await expect(job.result).rejects.toThrow(/writer stopped|not running/);
    await expect.poll(() => exits.length, { timeout: 2000 }).toBe(1);
  });

  it('a silent peer is dropped after the heartbeat window', async () => {
    let writerSocketClosed = false;
    const connection = await startWriter({
      heartbeatMs: 50,
      silenceMs: 300,
      launch: (rv) => {
        void (async () => {
          const { readFile } = await import('node:fs/promises');
          const secret = await readFile(rv.secretPath, 'utf8');
          const socket = connect(rv.socketPath);
          socket.on('close', () => (writerSocketClosed = true));
          socket.resume(); // read (and drop) the app's pings, so its hang-up is seen
          socket.write(
            `${JSON.stringify({ type: 'hello', secret, version: writerProtocolVersion, pid: 1 })}\n`,
          );
          // …and then never a word: a hung writer.
        })();
      },
    });
    connections.push(connection);
    await expect.poll(() => connection.closed, { timeout: 3000 }).toBe(true);
    await expect.poll(() => writerSocketClosed, { timeout: 3000 }).toBe(true);
  });
});
