import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clusterOffset, parseBootSector } from '../../../../../main/provision/disk/fat/boot-sector';
import {
  type FatBits,
  type FixtureImage,
  fsckFat,
  makeFixtureImage,
  missingFixtureTools,
  pseudoRandomBytes,
  requireFixtureTools,
} from '../../../../support/fixture-images';

async function firstSector(path: string, offset: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const sector = Buffer.alloc(512);
    await handle.read(sector, 0, 512, offset);
    return sector;
  } finally {
    await handle.close();
  }
}

/** A minimal valid FAT16 boot sector to mutate. */
function fat16Sector(): Buffer {
  const b = Buffer.alloc(512);
  b.set([0xeb, 0x3c, 0x90], 0);
  b.writeUInt16LE(512, 11);
  b[13] = 4; // sectors per cluster
  b.writeUInt16LE(4, 14); // reserved
  b[16] = 2; // FATs
  b.writeUInt16LE(512, 17); // root entries
  b[21] = 0xf8;
  b.writeUInt16LE(40, 22); // sectors per FAT
  b.writeUInt32LE(40960, 32);
  b[38] = 0x29;
  b.write('MYLABEL    ', 43, 'latin1');
  b[510] = 0x55;
  b[511] = 0xaa;
  return b;
}

describe('parseBootSector (synthetic sectors)', () => {
  it('computes the layout of a FAT16 volume', () => {
    const g = parseBootSector(fat16Sector());
    expect(g).toMatchObject({
      fatType: 16,
      clusterSize: 2048,
      fatOffset: 4 * 512,
      fatBytes: 40 * 512,
      rootDirOffset: (4 + 80) * 512,
      rootDirBytes: 32 * 512,
      dataOffset: (4 + 80 + 32) * 512,
      clusterCount: Math.floor((40960 - 116) / 4),
      bpbLabel: 'MYLABEL',
      fsInfoSector: null,
      activeFat: null,
    });
    expect(clusterOffset(g!, 2)).toBe(g!.dataOffset);
    expect(clusterOffset(g!, 5)).toBe(g!.dataOffset + 3 * 2048);
  });

  it('rejects what is not a FAT boot sector', () => {
    const cases: [string, (b: Buffer) => void][] = [
      ['no 55AA signature', (b) => (b[511] = 0)],
      ['no jump instruction', (b) => (b[0] = 0)],
      ['odd sector size', (b) => b.writeUInt16LE(300, 11)],
      ['cluster size not a power of two', (b) => (b[13] = 3)],
      ['no FATs', (b) => (b[16] = 0)],
      ['no reserved sectors', (b) => b.writeUInt16LE(0, 14)],
      ['bad media byte', (b) => (b[21] = 0x12)],
      ['no size', (b) => b.writeUInt32LE(0, 32)],
      ['FAT32 layout with a fixed root', (b) => b.writeUInt16LE(0, 22)],
    ];
    for (const [what, mutate] of cases) {
      const sector = fat16Sector();
      mutate(sector);
      expect(parseBootSector(sector), what).toBeNull();
    }
    expect(parseBootSector(Buffer.alloc(512))).toBeNull();
    expect(parseBootSector(pseudoRandomBytes(512, 99))).toBeNull();
    expect(parseBootSector(Buffer.alloc(100))).toBeNull();
  });

  it('reads no label without an extended boot signature, and FAT32 mirroring flags', () => {
    const sector = fat16Sector();
    sector[38] = 0;
    expect(parseBootSector(sector)?.bpbLabel).toBeNull();

    const fat32 = fat16Sector();
    fat32.writeUInt16LE(0, 17); // no fixed root
    fat32.writeUInt16LE(0, 22);
    fat32.writeUInt32LE(700, 36); // sectors per FAT
    fat32.writeUInt16LE(0x81, 40); // mirroring off, FAT 1 active
    fat32.writeUInt32LE(2, 44);
    fat32.writeUInt16LE(1, 48);
    expect(parseBootSector(fat32)).toMatchObject({
      fatType: 32,
      activeFat: 1,
      fsInfoSector: 1,
      rootCluster: 2,
    });
  });
});

describe('parseBootSector (mkfs.vfat volumes, checked against fsck.vfat -v)', () => {
  let dir: string;
  const images = new Map<FatBits, FixtureImage>();

  beforeAll(async () => {
    if (missingFixtureTools().length > 0) return;
    dir = await mkdtemp(join(tmpdir(), 'kubeflash-bpb-'));
    for (const bits of [12, 16, 32] as const) {
      images.set(
        bits,
        await makeFixtureImage('unknown', dir, { fatBits: bits, fileName: `fat${bits}.img` }),
      );
    }
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const bits of [12, 16, 32] as const) {
    it(`FAT${bits}: type, clusters and offsets match dosfstools`, async (ctx) => {
      requireFixtureTools(ctx);
      const image = images.get(bits)!;
      const boot = image.boot!;
      const g = parseBootSector(await firstSector(image.path, boot.offset))!;
      expect(g.fatType).toBe(bits);
      expect(g.bpbLabel).toBe('DATA');
      expect(g.totalSectors * g.bytesPerSector).toBe(boot.size);

      const report = await fsckFat(image.path, boot, ['-v']);
      expect(report.code).toBe(0);
      const details = report.stdout;
      expect(details).toContain(`${g.clusterCount} data clusters`);
      expect(details).toContain(`First FAT starts at byte ${g.fatOffset} `);
      expect(details).toContain(`${g.fatBytes} bytes per FAT`);
      expect(details).toContain(`Data area starts at byte ${g.dataOffset} `);
      expect(details).toContain(`${bits} bit entries`);
    });
  }
});
