import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import type { Cluster, ClusterNode } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { loadPlan } from '../../cluster';
import {
  applyBootPayload,
  type BootPayload,
  buildNodePayload,
  payloadForTarget,
} from '../../provision';
import { writeFileAtomic } from '../../storage';
import { clusterPath } from '../cluster-option';
import type { CliIo } from '../io';
import { unlockedWorkspace } from '../unlock';
import type { ApplyPayloadFlags, NodeFlags, PayloadFlags } from './payload';

export async function runPayload(io: CliIo, flags: PayloadFlags) {
  if (!flags.os === !flags.image)
    throw new KubeflashError('invalid-request', 'Give either --os or --image');
  const { cluster, node, request } = await prepare(flags);
  const payload = flags.image
    ? (await payloadForTarget(resolve(flags.image), request)).payload
    : await buildNodePayload({ ...request, family: flags.os! });
  const out = resolve(flags.out);
  await writePayloadFolder(out, payload);
  io.out(
    `Wrote the ${payload.family} payload of ${node.hostname} (cluster ${cluster.metadata.name}) to ${out}`,
  );
  io.out(`It holds secrets (keys, tokens): delete it when done.`);
}

export async function runApplyPayload(io: CliIo, flags: ApplyPayloadFlags) {
  const image = resolve(flags.image);
  const info = await stat(image).catch(() => null);
  if (!info?.isFile()) {
    throw new KubeflashError(
      'invalid-request',
      `${image} is not an image file: cards are written with kubeflash flash`,
      image,
    );
  }
  const { node, request } = await prepare(flags);
  const { detected, payload } = await payloadForTarget(image, request);
  const result = await applyBootPayload(image, payload);
  const summary = {
    node: node.hostname,
    family: detected.family,
    bootPartition: detected.bootPartition,
    written: result.written.map((f) => f.path),
    unchanged: result.unchanged,
    fatRepaired: result.fat,
  };
  if (flags.json) return io.out(JSON.stringify(summary, null, 2));
  io.out(`${image}: ${detected.family} (${detected.evidence.join('; ')})`);
  io.out(
    `Wrote and read back ${summary.written.length} file(s) for ${node.hostname}: ${summary.written.join(', ')}`,
  );
}

async function prepare(flags: NodeFlags) {
  const path = clusterPath(flags);
  const cluster = await loadPlan(path);
  const node = findNode(cluster, flags.node);
  const secrets = (await unlockedWorkspace(path, flags)).secrets(path);
  return { cluster, node, request: { cluster, node, secrets, flashedAt: new Date() } };
}

export function findNode(cluster: Cluster, hostname: string): ClusterNode {
  const node = cluster.spec.nodes.find((n) => n.hostname === hostname);
  if (!node) {
    const known = cluster.spec.nodes.map((n) => n.hostname).join(', ') || 'none';
    throw new KubeflashError(
      'not-found',
      `No node named ${hostname} in cluster ${cluster.metadata.name} (nodes: ${known})`,
      hostname,
    );
  }
  return node;
}

async function writePayloadFolder(out: string, payload: BootPayload) {
  await mkdir(out, { recursive: true, mode: 0o700 });
  for (const file of payload.files) {
    const target = join(out, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await writeFileAtomic(target, file.content, { mode: 0o600 });
  }
  await writeFileAtomic(
    join(out, 'cmdline-edits.json'),
    `${JSON.stringify(payload.edits, null, 2)}\n`,
    { mode: 0o600 },
  );
}
