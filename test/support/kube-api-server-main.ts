import { createInterface } from 'node:readline';

import { z } from 'zod';

import { clusterPkiSchema } from '../../main/pki';
import { KubeApiServer } from './kube-api-server';

/*
 * The test API server as a process of its own, so a test can start it inside a network
 * namespace at the plan's endpoint (`node --import tsx kube-api-server-main.ts`).
 * Protocol, one JSON object per line: the first stdin line is the configuration; the process
 * answers {"ready":true,"url":…}; every further line is a command {id, op, args} answered by
 * {id, ok, result} or {id, ok:false, error}. The server closes when stdin ends.
 */

export const ServerConfig = z.strictObject({
  pki: clusterPkiSchema,
  host: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
});

const name = z.string().min(1).max(253);
const phase = z.enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown']);

export const ServerCommand = z.discriminatedUnion('op', [
  z.strictObject({
    id: z.number(),
    op: z.literal('addNode'),
    args: z.tuple([
      name,
      z.strictObject({
        role: z.enum(['control-plane', 'worker']).optional(),
        ready: z.boolean().optional(),
        architecture: z.string().max(32).optional(),
        internalIP: z.string().max(45).optional(),
      }),
    ]),
  }),
  z.strictObject({
    id: z.number(),
    op: z.literal('setNodeReady'),
    args: z.tuple([name, z.boolean()]),
  }),
  z.strictObject({ id: z.number(), op: z.literal('removeNode'), args: z.tuple([name]) }),
  z.strictObject({
    id: z.number(),
    op: z.literal('addPod'),
    args: z.tuple([
      z.strictObject({ namespace: name, name, node: name.optional(), phase: phase.optional() }),
    ]),
  }),
  z.strictObject({
    id: z.number(),
    op: z.literal('setDaemonSetPodOutcomes'),
    args: z.tuple([
      z.record(
        name,
        z.strictObject({
          phase,
          reason: z.string().max(253).optional(),
          message: z.string().max(1024).optional(),
        }),
      ),
    ]),
  }),
  z.strictObject({
    id: z.number(),
    op: z.enum(['cutWatches', 'compact', 'stop', 'start', 'requests']),
    args: z.tuple([]),
  }),
]);
export type ServerCommand = z.infer<typeof ServerCommand>;

async function run(server: KubeApiServer, command: ServerCommand): Promise<unknown> {
  switch (command.op) {
    case 'addNode':
      return server.addNode(...command.args).metadata.resourceVersion;
    case 'setNodeReady':
      return server.setNodeReady(...command.args);
    case 'removeNode':
      return server.removeNode(...command.args);
    case 'addPod':
      return server.addPod(...command.args).metadata.resourceVersion;
    case 'setDaemonSetPodOutcomes': {
      const [outcomes] = command.args;
      server.daemonSetPodOutcome = (node) => outcomes[node] ?? { phase: 'Running' };
      return null;
    }
    case 'cutWatches':
      return server.cutWatches();
    case 'compact':
      return server.compact();
    case 'stop':
      return server.stop();
    case 'start':
      return server.start();
    case 'requests':
      return server.requests;
  }
}

async function main(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) throw new Error('kube-api-server-main: expected the configuration on stdin');
  const config = ServerConfig.parse(JSON.parse(first.value));
  const server = await KubeApiServer.create(config);
  const send = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  send({ ready: true, url: server.url });
  for (let next = await lines.next(); !next.done; next = await lines.next()) {
    let id: unknown = null;
    try {
      const raw = JSON.parse(next.value) as { id?: unknown };
      id = raw.id ?? null;
      const command = ServerCommand.parse(raw);
      send({ id, ok: true, result: (await run(server, command)) ?? null });
    } catch (error) {
      send({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  await server.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `kube-api-server-main: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
