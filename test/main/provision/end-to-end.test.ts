import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Cluster, createCluster } from '../../../common/cluster';
import { generateClusterSecrets } from '../../../main/cluster';
import { applyBootPayload, cgroupKernelArgs, payloadForTarget } from '../../../main/provision';
import type { Secrets } from '../../../main/secrets';
import {
  fixtureFamilies,
  fsckFat,
  makeFixtureImage,
  mtoolsRead,
  mtoolsReadAll,
  requireFixtureTools,
} from '../../support/fixture-images';

// The whole of "what goes on a card": detect the OS of a realistic image, build the node's
// payload, write it without mounting, and read it back with an independent FAT reader.
describe('boot payload on every OS family, end to end', () => {
  let dir: string;
  let cluster: Cluster;
  let secrets: Secrets;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-e2e-payload-'));
    cluster = createCluster({
      name: 'lab',
      subnet: '192.168.1.0/24',
      gateway: '192.168.1.1',
      dns: ['192.168.1.1'],
      firstIp: '192.168.1.11',
      controlPlanes: 1,
      workers: 1,
    });
    secrets = await generateClusterSecrets(cluster);
  }, 60_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const [kind, family] of Object.entries(fixtureFamilies)) {
    it(`${kind}: detected as ${family}; the payload reads back exactly and the FAT stays clean`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = await makeFixtureImage(kind as keyof typeof fixtureFamilies, dir, {
        fileName: `${kind}.img`,
      });
      const node = cluster.spec.nodes[1]!;
      const request = { cluster, node, secrets, flashedAt: new Date() };
      const { detected, payload } = await payloadForTarget(image.path, request);
      expect(detected.family).toBe(family);

      await applyBootPayload(image.path, payload);
      // Applying again (a retried flash) must change nothing: cmdline flags stay single.
      await applyBootPayload(image.path, payload);

      const offset = image.boot!.offset;
      const onCard = await mtoolsReadAll(image.path, offset);
      for (const file of payload.files) {
        expect(onCard.get(file.path), file.path).toEqual(Buffer.from(file.content));
      }
      const cmdline = (await mtoolsRead(image.path, offset, 'cmdline.txt')).toString('utf8');
      expect(cmdline.trimEnd().split('\n')).toHaveLength(1);
      for (const arg of cgroupKernelArgs) {
        expect(
          cmdline.split(/\s+/).filter((a) => a === arg),
          arg,
        ).toHaveLength(1);
      }
      const fsck = await fsckFat(image.path, image.boot!);
      expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
      // The node's identity is on the card: in a file (cloud-init, firstrun) or its name (apkovl).
      const text = [...onCard.keys(), ...[...onCard.values()].map((b) => b.toString('latin1'))];
      expect(text.join('\n')).toContain(node.hostname);
    }, 60_000);
  }

  it('refuses an image of no supported OS, naming what it found', async (ctx) => {
    requireFixtureTools(ctx);
    const image = await makeFixtureImage('unknown', dir);
    const request = { cluster, node: cluster.spec.nodes[0]!, secrets, flashedAt: new Date() };
    await expect(payloadForTarget(image.path, request)).rejects.toThrow(/DATA|supported/i);
  });
});
