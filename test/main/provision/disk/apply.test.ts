import { describe, expect, it } from 'vitest';

import { applyBootPayload, readBackPayload, splitArguments } from '../../../../main/provision/disk';
import { cgroupKernelArgs } from '../../../../main/provision/model';
import {
  fsckFat,
  mtoolsList,
  mtoolsReadAll,
  requireFixtureTools,
} from '../../../support/fixture-images';
import { firstrunArg, samplePayload, sha256 } from './helpers';
import { osKinds, usePristineImages } from './pristine-images';

describe('applyBootPayload', () => {
  const { copyOf } = usePristineImages();

  for (const kind of osKinds) {
    it(`${kind}: files and cmdline edit read back exactly with mtools; fsck.vfat -n clean; twice = once`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = await copyOf(kind);
      const boot = image.boot!;
      const payload = samplePayload(image.family!);

      const first = await applyBootPayload(image.path, payload);
      expect(first.bootPartition).toMatchObject({
        index: boot.index,
        offset: boot.offset,
        fatType: boot.fatBits,
      });
      expect(first.createdFolders).toEqual(['kubeflash', 'kubeflash/bootstrap', 'kubeflash/ssh']);
      const hadUserData = 'user-data' in image.bootFiles;
      expect(first.written.map((w) => [w.path, w.created])).toEqual([
        ['user-data', !hadUserData],
        ['kubeflash/bootstrap/node.env', true],
        ['kubeflash/ssh/ssh_host_ed25519_key', true],
        ['cmdline.txt', false],
      ]);

      const afterOnce = await sha256(image.path);
      const second = await applyBootPayload(image.path, payload);
      expect(second.written).toEqual([]);
      expect(second.createdFolders).toEqual([]);
      expect(second.unchanged).toEqual(first.written.map((w) => w.path));
      expect(second.fat).toMatchObject({ copiesRewritten: [], bytesWritten: 0 });
      expect(await sha256(image.path)).toBe(afterOnce); // twice is byte-for-byte once

      // An independent reader (mtools) sees exactly the payload and every other original file
      // unchanged, and nothing else.
      const onCard = await mtoolsReadAll(image.path, boot.offset);
      const expected = new Map<string, Buffer>();
      for (const [path, content] of Object.entries(image.bootFiles))
        expected.set(path, Buffer.from(content));
      for (const file of payload.files) expected.set(file.path, Buffer.from(file.content));
      expected.delete('cmdline.txt');
      const cmdlineBytes = onCard.get('cmdline.txt');
      onCard.delete('cmdline.txt');
      expect(onCard).toEqual(expected);
      const listed = await mtoolsList(image.path, boot.offset);
      for (const path of [
        'kubeflash',
        'kubeflash/bootstrap',
        'kubeflash/ssh',
        ...payload.files.map((f) => f.path),
      ]) {
        expect(listed).toContain(path);
      }

      // cmdline.txt: one line, cgroup arguments exactly once, the rest in the original order.
      const original = Buffer.from(image.bootFiles['cmdline.txt']!).toString();
      const cmdline = cmdlineBytes?.toString() ?? '';
      expect(cmdline.endsWith('\n')).toBe(original.endsWith('\n'));
      expect(cmdline.trimEnd()).not.toMatch(/[\r\n]/);
      const args = splitArguments(cmdline);
      for (const arg of [...cgroupKernelArgs, firstrunArg])
        expect(
          args.filter((a) => a === arg),
          arg,
        ).toHaveLength(1);
      expect(args).not.toContain('quiet');
      const kept = splitArguments(original).filter((a) => a !== 'quiet');
      expect(args.filter((a) => kept.includes(a))).toEqual(kept);

      const fsck = await fsckFat(image.path, boot);
      expect(fsck.stdout).not.toMatch(/differ|wrong|Fixing|Truncating|Reclaimed/);
      expect(fsck.code).toBe(0);
      expect(await readBackPayload(image.path, payload)).toEqual([]);
    });
  }
});
