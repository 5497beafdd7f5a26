import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import type { ClusterPki } from '../../main/pki';
import type { DaemonSetPodOutcome, LoggedRequest } from './kube-api-server';
import type { NetnsHost, TestNetwork } from './netns';

const ENTRY = fileURLToPath(new URL('./kube-api-server-main.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const START_LIMIT_MS = 30_000;
const CALL_LIMIT_MS = 10_000;

/** The test API server running in a namespace host; drive it as in-process, only async. */
export interface RemoteKubeApiServer {
  readonly url: string;
  addNode(
    name: string,
    spec?: { role?: 'control-plane' | 'worker'; ready?: boolean; internalIP?: string },
  ): Promise<void>;
  setNodeReady(name: string, ready: boolean): Promise<void>;
  /** New DaemonSet pods on these nodes get these outcomes; on any other node they run. */
  setDaemonSetPodOutcomes(outcomes: Record<string, DaemonSetPodOutcome>): Promise<void>;
  cutWatches(): Promise<void>;
  compact(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  requests(): Promise<LoggedRequest[]>;
  close(): Promise<void>;
}

/** Start kube-api-server-main.ts inside `host`, listening on the host's address. */
export async function spawnKubeApiServer(
  network: TestNetwork,
  host: NetnsHost,
  pki: ClusterPki,
  port = 6443,
): Promise<RemoteKubeApiServer> {
  const child = network.spawnIn(host, [process.execPath, '--import', 'tsx', ENTRY], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const pending = new Map<number, (reply: Reply) => void>();
  let ready: ((url: string) => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as Reply & { ready?: boolean; url?: string };
    if (message.ready) ready?.(message.url!);
    else pending.get(message.id)?.(message);
  });
  child.stdin!.write(`${JSON.stringify({ pki, host: host.address, port })}\n`);
  const url = await bounded(
    new Promise<string>((resolve, reject) => {
      ready = resolve;
      child.once('exit', (code) =>
        reject(new Error(`the test API server exited (${code}) before it was ready: ${stderr}`)),
      );
    }),
    START_LIMIT_MS,
    () => `the test API server did not start in ${host.name}: ${stderr}`,
  );

  let nextId = 1;
  const call = async (op: string, ...args: unknown[]): Promise<unknown> => {
    const id = nextId++;
    const reply = await bounded(
      new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        child.stdin!.write(`${JSON.stringify({ id, op, args })}\n`);
      }),
      CALL_LIMIT_MS,
      () => `the test API server did not answer ${op}: ${stderr}`,
    ).finally(() => pending.delete(id));
    if (!reply.ok) throw new Error(`test API server ${op}: ${reply.error}`);
    return reply.result;
  };

  return {
    url,
    addNode: async (name, spec = {}) => void (await call('addNode', name, spec)),
    setNodeReady: async (name, isReady) => void (await call('setNodeReady', name, isReady)),
    setDaemonSetPodOutcomes: async (outcomes) =>
      void (await call('setDaemonSetPodOutcomes', outcomes)),
    cutWatches: async () => void (await call('cutWatches')),
    compact: async () => void (await call('compact')),
    stop: async () => void (await call('stop')),
    start: async () => void (await call('start')),
    requests: async () => (await call('requests')) as LoggedRequest[],
    close: () => closeChild(child),
  };
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

async function bounded<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message())), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Ending stdin closes the server; the network's cleanup kills it if it does not go. */
async function closeChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stdin?.end();
  await bounded(exited, 5_000, () => 'the test API server did not exit').catch(() => {
    child.kill('SIGKILL');
  });
}
