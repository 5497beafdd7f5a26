import { BufferDisk } from 'file-disk';
import { describe, expect, it } from 'vitest';

import { PartitionDisk } from '../../../../main/provision/disk';

describe('PartitionDisk', () => {
  const bytes = (): Buffer => Buffer.from(Array.from({ length: 64 }, (_, i) => i));

  it('reads and writes relative to the partition start', async () => {
    const parent = new BufferDisk(bytes());
    const view = new PartitionDisk(parent, 16, 32);
    expect(await view.getCapacity()).toBe(32);
    const out = Buffer.alloc(4);
    await view.read(out, 0, 4, 2);
    expect([...out]).toEqual([18, 19, 20, 21]);
    await view.write(Buffer.from([0xaa, 0xbb]), 0, 2, 30);
    const check = Buffer.alloc(4);
    await parent.read(check, 0, 4, 45);
    expect([...check]).toEqual([45, 0xaa, 0xbb, 48]);
  });

  it('reads zeros past its end and refuses to write there', async () => {
    const parent = new BufferDisk(bytes());
    const view = new PartitionDisk(parent, 16, 32);
    const out = Buffer.alloc(4, 0xff);
    await view.read(out, 0, 4, 30);
    expect([...out]).toEqual([46, 47, 0, 0]);
    await expect(view.write(Buffer.alloc(4), 0, 4, 30)).rejects.toThrow(/outside the partition/);
    const after = Buffer.alloc(2);
    await parent.read(after, 0, 2, 48);
    expect([...after]).toEqual([48, 49]); // the neighbour is untouched
  });
});
