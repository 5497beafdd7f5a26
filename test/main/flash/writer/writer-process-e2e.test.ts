import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { KubeflashError } from '../../../../common/errors';
import { payloadMessage } from '../../../../main/flash/flash-service';
import { startWriter, type WriterConnection } from '../../../../main/flash/writer/host';
import { identifyCard } from '../../../../main/flash/writer/identify-card';
import type { FlashProgress } from '../../../../main/flash/writer/protocol';
import { makeFixtureImage } from '../../../support/fixture-images';
import {
  blankCard,
  bootAreaLastPhases,
  expectPayloadOnCard,
  flashRequest,
  fsckBoot,
  LoopDevices,
  MiB,
  nodePayload,
  phasesOf,
  readBootWithMtools,
  requireLoopDevices,
  type TestCluster,
  testCluster,
} from './writer-fixtures';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The real writer process, built by electron-vite and started the way the app starts it when it
 * is root (a plain spawn, no prompt), flashing a loop device through the authenticated socket.
 * Built into a private folder inside the project (so packages resolve from node_modules) rather
 * than into out/, which other runs may be using at the same time.
 */
describe('the writer process (out/main/writer.js)', () => {
  let dir: string;
  let buildDir: string;
  let script: string;
  let lab: TestCluster;
  const loops = new LoopDevices();
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-writer-e2e-'));
    buildDir = join(repo, 'node_modules', '.cache', `kubeflash-writer-test-${process.pid}`);
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          join(repo, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
          'build',
          '--outDir',
          buildDir,
          '--logLevel',
          'error',
        ],
        { cwd: repo, timeout: 180_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`electron-vite build failed: ${stderr || stdout}`)) : resolve(),
      );
    });
    script = join(buildDir, 'main', 'writer.js');
    lab = await testCluster();
  }, 240_000);
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await loops.detachAll();
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    if (buildDir) await rm(buildDir, { recursive: true, force: true });
  });

  /** Starts the built writer as the app does when root; resolves with the connection. */
  async function start() {
    let child: ChildProcess | undefined;
    let stderr = '';
    const connection: WriterConnection = await startWriter({
      connectTimeoutMs: 20_000,
      launch: (rendezvous, fail) => {
        child = spawn(process.execPath, [script, rendezvous.dir], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        children.push(child);
        child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', (error) => fail(`the writer could not start: ${error.message}`));
        child.on('exit', (code) => {
          if (code) fail(`the writer exited with code ${code}: ${stderr}`);
        });
      },
    });
    const exited = new Promise<number | null>((resolve) => {
      if (child!.exitCode !== null) resolve(child!.exitCode);
      else child!.once('exit', (code) => resolve(code));
    });
    return { connection, child: child!, exited, stderr: () => stderr };
  }

  it('flashes a loop device end to end through the socket, then exits when closed', async (ctx) => {
    requireLoopDevices(ctx);
    expect(existsSync(script)).toBe(true);
    const image = await makeFixtureImage('ubuntu', dir, { fileName: 'e2e.img' });
    const { payload, hostname } = await nodePayload(lab, image.path, 1);
    const card = await blankCard(join(dir, 'e2e-card.img'), image.size + MiB);
    const device = await loops.attach(card);
    const { connection, child, exited, stderr } = await start();
    expect(child.pid).toBeGreaterThan(0);

    // The identity comes from the writer and is what this process reads itself.
    const identity = await connection.identify(device);
    expect(identity).toEqual(await identifyCard(device));

    const events: FlashProgress[] = [];
    const job = connection.flash(flashRequest(image.path, identity, payload), (p) =>
      events.push(p),
    );
    const result = await job.result;
    expect(result).toMatchObject({ verified: true, ejected: false });
    expect(result.bytesWritten).toBe(await loops.written(device));
    expect(phasesOf(events)).toEqual([
      'checking',
      'configuring',
      'writing',
      'verifying',
      'reading-back',
      'ejecting',
    ]);
    const onCard = await readBootWithMtools(device, image.boot!.offset, dir);
    for (const file of payload.files) {
      expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
    }
    expect((await fsckBoot(device, image.boot!, dir)).code).toBe(0);

    // A refusal crosses the socket as a KubeflashError with its code and message.
    const stale = connection.flash(flashRequest(image.path, identity, payload), () => {});
    const error = await stale.result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeflashError);
    expect(error).toMatchObject({ code: 'invalid-request', subject: device });
    expect((error as Error).message).toMatch(/not the one you selected/);

    connection.close();
    expect(await exited).toBe(0);
    // Its log names devices and outcomes, never what the payload carries.
    expect(stderr()).toContain(`flashing ${device}`);
    expect(stderr()).toContain('exiting: the app asked the writer to stop');
    expect(stderr()).not.toContain(hostname);
    for (const file of payload.files) {
      const sample = Buffer.from(file.content).toString('base64').slice(0, 40);
      if (sample.length >= 20) expect(stderr()).not.toContain(sample);
    }
  }, 120_000);

  it('writes a card whose payload the app sends after the request, boot area last', async (ctx) => {
    requireLoopDevices(ctx);
    const image = await makeFixtureImage('raspios-bookworm', dir, { fileName: 'follows.img' });
    const { payload } = await nodePayload(lab, image.path, 2);
    const device = await loops.attach(await blankCard(join(dir, 'follows-card.img'), image.size));
    const { connection } = await start();
    const events: FlashProgress[] = [];
    let payloadSent = false;
    const job = connection.flash(
      flashRequest(image.path, await connection.identify(device), null),
      (p) => {
        events.push(p);
        // The writer waits for the payload once the rest of the card is written.
        if (p.phase === 'configuring' && !payloadSent) {
          payloadSent = true;
          connection.payload(job.jobId, payloadMessage(payload));
        }
      },
    );
    const result = await job.result;
    expect(result).toMatchObject({ verified: true, ejected: false });
    expect(phasesOf(events)).toEqual(bootAreaLastPhases);
    await expectPayloadOnCard(device, image.boot!, payload, dir);
    connection.close();
  }, 120_000);

  it('exits when the app goes away without saying so', async () => {
    const { connection, exited, stderr } = await start();
    connection.channel.close('the app vanished'); // the socket closes; no shutdown message
    expect(await exited).toBe(0);
    expect(stderr()).toMatch(/exiting: the connection closed/);
  }, 60_000);
});
