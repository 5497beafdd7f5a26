import { readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';

import { KubeflashError, serializeError } from '../../../common/errors';
import { ImageExtent } from '../image/image-extent';
import { MessageChannel } from './channel';
import { PendingPayload } from './pending-payload';
import {
  AppMessage,
  type CardIdentity,
  type FlashProgress,
  type FlashRequest,
  type FlashResult,
  type WriterMessage,
  writerProtocolVersion,
} from './protocol';

/** What the app sends a job after its request, each null when the request needs none. */
export interface JobFollowUps {
  /** How far an image still being decompressed is (FlashRequest.imageGrowing). */
  extent: ImageExtent | null;
  /** The boot payload, when the request came without it (FlashRequest.payload null). */
  payload: PendingPayload | null;
}

/** What actually writes a card; the writer process only carries requests and results. */
export type FlashExecutor = (
  request: FlashRequest,
  onProgress: (progress: FlashProgress) => void,
  signal: AbortSignal,
  followUps: JobFollowUps,
) => Promise<FlashResult>;

/** Reads a card's identity; the same function re-checks it just before a write. */
export type CardIdentifier = (device: string) => Promise<CardIdentity>;

export interface WriterProcessOptions {
  rendezvousDir: string;
  execute: FlashExecutor;
  identify: CardIdentifier;
  heartbeatMs?: number;
  silenceMs?: number;
  /** Called when the app is gone or asked us to stop; the process then exits. */
  onExit: (reason: string) => void;
}

/**
 * The writer's side: read and delete the one-time secret, connect, then run flash jobs until the
 * app says stop or goes silent (the app crashed or quit: the writer never outlives it).
 */
export async function runWriterProcess(options: WriterProcessOptions): Promise<void> {
  const secretPath = join(options.rendezvousDir, 'secret');
  const secret = (await readFile(secretPath, 'utf8')).trim();
  await rm(secretPath, { force: true });
  const socketPath =
    process.platform === 'win32'
      ? `\\\\.\\pipe\\${options.rendezvousDir.replace(/[\\/:]/g, '-')}`
      : join(options.rendezvousDir, 'writer.sock');
  const socket = connect(socketPath);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const jobs = new Map<string, { controller: AbortController } & JobFollowUps>();
  const channel: MessageChannel<typeof AppMessage, WriterMessage> = new MessageChannel({
    socket,
    incoming: AppMessage,
    heartbeatMs: options.heartbeatMs,
    silenceMs: options.silenceMs,
    onClose: (reason) => {
      for (const job of jobs.values()) job.controller.abort();
      options.onExit(reason);
    },
    onMessage: (message) => {
      switch (message.type) {
        case 'flash':
          return void runJob(message.jobId, message.request);
        case 'identify':
          return void options.identify(message.device).then(
            (identity) => channel.send({ type: 'identified', jobId: message.jobId, identity }),
            (error: unknown) =>
              channel.send({ type: 'failed', jobId: message.jobId, error: serializeError(error) }),
          );
        case 'cancel':
          return jobs.get(message.jobId)?.controller.abort();
        case 'image-extent':
          return jobs.get(message.jobId)?.extent?.grow(message.bytes, message.complete);
        case 'payload':
          return jobs.get(message.jobId)?.payload?.deliver(message.payload);
        case 'shutdown':
          return channel.close('the app asked the writer to stop');
        case 'ping':
          return;
      }
    },
  });
  channel.send({ type: 'hello', secret, version: writerProtocolVersion, pid: process.pid });

  async function runJob(jobId: string, request: FlashRequest) {
    if (jobs.has(jobId)) return;
    const controller = new AbortController();
    const followUps: JobFollowUps = {
      extent: request.imageGrowing ? new ImageExtent(request.imageGrowing.size) : null,
      payload: request.payload ? null : new PendingPayload(),
    };
    jobs.set(jobId, { controller, ...followUps });
    try {
      const result = await options.execute(
        request,
        (progress) => channel.send({ type: 'progress', jobId, progress }),
        controller.signal,
        followUps,
      );
      channel.send({ type: 'done', jobId, result });
    } catch (error) {
      const reason = controller.signal.aborted
        ? new KubeflashError('unavailable', 'Cancelled')
        : error;
      channel.send({ type: 'failed', jobId, error: serializeError(reason) });
    } finally {
      jobs.delete(jobId);
    }
  }
}
