import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { KubeflashError } from '../../../common/errors';
import { MessageChannel } from './channel';
import {
  type AppMessage,
  type BootPayloadMessage,
  type CardIdentity,
  type FlashProgress,
  type FlashRequest,
  type FlashResult,
  WriterMessage,
  writerProtocolVersion,
} from './protocol';

/** The files the writer is started with: its socket and the one-time secret it must present. */
export interface WriterRendezvous {
  dir: string;
  socketPath: string;
  secretPath: string;
}

export interface WriterHostOptions {
  /**
   * Start the writer process with the rendezvous folder (elevated, or directly when root); call
   * `fail` if it could not start (prompt cancelled, process exited), so nobody waits in vain.
   */
  launch: (rendezvous: WriterRendezvous, fail: (message: string) => void) => void;
  /** How long the writer may take to connect (an elevation prompt waits for the user). */
  connectTimeoutMs?: number;
  heartbeatMs?: number;
  silenceMs?: number;
}

interface Job {
  onProgress: (progress: FlashProgress) => void;
  resolve: (result: FlashResult) => void;
  reject: (error: Error) => void;
  onIdentity?: (identity: CardIdentity) => void;
}

/** The app's side of the writer: one authenticated connection, many jobs (one per card). */
export class WriterConnection {
  readonly #jobs = new Map<string, Job>();
  #nextJob = 1;
  #closedReason: string | null = null;
  readonly channel: MessageChannel<typeof WriterMessage, AppMessage>;

  constructor(
    socket: Socket,
    options: WriterHostOptions,
    private readonly cleanup: () => Promise<void>,
  ) {
    this.channel = new MessageChannel<typeof WriterMessage, AppMessage>({
      socket,
      incoming: WriterMessage,
      heartbeatMs: options.heartbeatMs,
      silenceMs: options.silenceMs,
      onMessage: (message) => this.#onMessage(message),
      onClose: (reason) => {
        this.#closedReason = reason;
        for (const job of this.#jobs.values()) {
          job.reject(
            new KubeflashError(
              'unavailable',
              `The writer stopped (${reason}); the card was not finished`,
            ),
          );
        }
        this.#jobs.clear();
        void this.cleanup();
      },
    });
  }

  flash(
    request: FlashRequest,
    onProgress: (progress: FlashProgress) => void,
  ): { jobId: string; result: Promise<FlashResult> } {
    const jobId = `job-${this.#nextJob++}`;
    const result = new Promise<FlashResult>((resolve, reject) => {
      if (this.#closedReason) {
        reject(
          new KubeflashError('unavailable', `The writer is not running (${this.#closedReason})`),
        );
        return;
      }
      this.#jobs.set(jobId, { onProgress, resolve, reject });
      this.channel.send({ type: 'flash', jobId, request });
    });
    return { jobId, result };
  }

  /** The card's identity as the writer reads it (size, serial, sha256 of its first MiB). */
  identify(device: string): Promise<CardIdentity> {
    const jobId = `job-${this.#nextJob++}`;
    return new Promise<CardIdentity>((resolve, reject) => {
      if (this.#closedReason) {
        reject(
          new KubeflashError('unavailable', `The writer is not running (${this.#closedReason})`),
        );
        return;
      }
      this.#jobs.set(jobId, {
        onProgress: () => {},
        resolve: () => {},
        reject,
        onIdentity: resolve,
      });
      this.channel.send({ type: 'identify', jobId, device });
    });
  }

  /** Tells the writer how far a growing image (FlashRequest.imageGrowing) of a job is. */
  imageExtent(jobId: string, bytes: number, complete: boolean): void {
    if (!this.#jobs.has(jobId)) return; // the job ended already
    this.channel.send({ type: 'image-extent', jobId, bytes, complete });
  }

  /** Sends the boot payload of a job whose request came without it (FlashRequest.payload null). */
  payload(jobId: string, payload: BootPayloadMessage): void {
    if (!this.#jobs.has(jobId)) return; // the job ended already
    this.channel.send({ type: 'payload', jobId, payload });
  }

  cancel(jobId: string): void {
    this.channel.send({ type: 'cancel', jobId });
  }

  close(): void {
    this.channel.send({ type: 'shutdown' });
    this.channel.close('closed by the app');
  }

  get closed(): boolean {
    return this.channel.closed;
  }

  #onMessage(message: WriterMessage) {
    if (message.type === 'hello' || message.type === 'ping') return;
    const job = this.#jobs.get(message.jobId);
    if (!job) return;
    if (message.type === 'progress') return job.onProgress(message.progress);
    this.#jobs.delete(message.jobId);
    if (message.type === 'identified') job.onIdentity?.(message.identity);
    else if (message.type === 'done') job.resolve(message.result);
    else job.reject(KubeflashError.fromJSON(message.error));
  }
}

/**
 * Start the writer and wait for it to connect: a private folder (0700) holds the socket and a
 * one-time secret (0600) that only the writer, started by us with rights to read it, can present.
 */
export async function startWriter(options: WriterHostOptions): Promise<WriterConnection> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeflash-writer-'));
  const rendezvous: WriterRendezvous = {
    dir,
    socketPath:
      process.platform === 'win32'
        ? `\\\\.\\pipe\\${dir.replace(/[\\/:]/g, '-')}`
        : join(dir, 'writer.sock'),
    secretPath: join(dir, 'secret'),
  };
  const secret = randomBytes(32).toString('hex');
  await writeFile(rendezvous.secretPath, secret, { mode: 0o600 });
  const server = createServer();
  const cleanup = async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(rendezvous.socketPath, () => resolve());
    });
    let fail: (message: string) => void = () => {};
    const failed = new Promise<never>((_resolve, reject) => {
      fail = (message) => reject(new KubeflashError('unavailable', message));
    });
    const connection = waitForHello(server, secret, options, cleanup);
    options.launch(rendezvous, fail);
    return await Promise.race([connection, failed]);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

function waitForHello(
  server: Server,
  secret: string,
  options: WriterHostOptions,
  cleanup: () => Promise<void>,
): Promise<WriterConnection> {
  const timeoutMs = options.connectTimeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new KubeflashError(
          'unavailable',
          `The writer did not start within ${Math.round(timeoutMs / 1000)} s (was the password prompt cancelled?)`,
        ),
      );
    }, timeoutMs);
    server.on('connection', (socket) => {
      socket.setEncoding('utf8');
      let first = '';
      const onData = (chunk: string) => {
        first += chunk;
        const newline = first.indexOf('\n');
        if (newline < 0) {
          if (first.length > 4096) socket.destroy();
          return;
        }
        socket.off('data', onData);
        const hello = parseHello(first.slice(0, newline));
        if (
          !hello ||
          !sameSecret(hello.secret, secret) ||
          hello.version !== writerProtocolVersion
        ) {
          socket.destroy(); // a stranger, or a writer of another version: refuse and keep waiting
          return;
        }
        clearTimeout(timer);
        server.close(); // one writer per rendezvous
        const rest = first.slice(newline + 1);
        const connection = new WriterConnection(socket, options, cleanup);
        if (rest) socket.emit('data', rest);
        resolve(connection);
      };
      socket.on('data', onData);
    });
  });
}

function parseHello(line: string) {
  try {
    const message = WriterMessage.parse(JSON.parse(line));
    return message.type === 'hello' ? message : null;
  } catch {
    return null;
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
