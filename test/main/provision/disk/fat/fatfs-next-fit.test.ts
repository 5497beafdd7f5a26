import { interact } from 'balena-image-fs';
import { describe, expect, it } from 'vitest';

import {
  installFatfsNextFit,
  startFatfsSearchAt,
} from '../../../../../main/provision/disk/fat/fatfs-next-fit';
import {
  fsckFat,
  mtoolsReadAll,
  pseudoRandomBytes,
  requireFixtureTools,
} from '../../../../support/fixture-images';
import { usePristineImages } from '../pristine-images';

// fatfs now starts each free-cluster search where its last allocation ended (fatfs-next-fit.ts).
// Wherever that start is, what it takes must be free (no file overwrites another), and a
// partition with room is never "full": a start past the last cluster searches from the beginning.
describe('fatfs next-fit allocation', () => {
  const { copyOf } = usePristineImages();

  const starts: [string, number][] = [
    ['from cluster 3, inside the files already there', 3],
    ['from past the last cluster (then from the start again)', 10_000_000],
    ['from where nothing is set (0)', 0],
  ];
  for (const [what, start] of starts) {
    it(`${what}: old and new files read back, no cluster used twice`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = await copyOf('raspios-bookworm');
      const boot = image.boot!;
      const files = new Map([
        ['a.bin', Buffer.from(pseudoRandomBytes(200_000, 1))],
        ['b.bin', Buffer.from(pseudoRandomBytes(70_000, 2))],
        ['c.txt', Buffer.from('small\n')],
      ]);
      installFatfsNextFit();
      startFatfsSearchAt(start);
      await interact(image.path, boot.index, async (fs) => {
        await fs.promises.mkdir('/new');
        for (const [name, content] of files) await fs.promises.writeFile(`/new/${name}`, content);
      });
      const after = await mtoolsReadAll(image.path, boot.offset);
      for (const [name, content] of files) expect(after.get(`new/${name}`)).toEqual(content);
      for (const [path, content] of Object.entries(image.bootFiles)) {
        expect(after.get(path.toLowerCase()), path).toEqual(Buffer.from(content));
      }
      // fatfs alone leaves what applyBootPayload then repairs (FAT copies, '..', the free count:
      // see fatfs-workarounds.ts); what must never appear is a cluster used twice or a bad chain.
      const fsck = await fsckFat(image.path, boot);
      const clusterProblems = (fsck.stdout + fsck.stderr)
        .split('\n')
        .filter((line) => /share|cross|chain|already|out of range|bad cluster/i.test(line));
      expect(clusterProblems).toEqual([]);
    });
  }
});
