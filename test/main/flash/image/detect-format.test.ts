import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { classifyHead, detectImageFormat, ImageError } from '../../../../main/flash/image';
import { makeFixtureImage, missingFixtureTools } from '../../../support/fixture-images';
import { hasCommand, requirePrerequisite } from '../../../support/prerequisites';
import { compress, compressors, hasCompressor, makeRawImage } from './image-fixtures';

function sector(fill: (b: Buffer) => void, size = 4096): Buffer {
  const b = Buffer.alloc(size);
  fill(b);
  return b;
}

function mbr(b: Buffer, status = 0x80): void {
  b[446] = status;
  b[446 + 4] = 0x0c; // FAT32 LBA
  b.writeUInt32LE(2048, 446 + 8);
  b.writeUInt32LE(8192, 446 + 12);
  b[510] = 0x55;
  b[511] = 0xaa;
}

function fatBootSector(b: Buffer): void {
  b.set([0xeb, 0x3c, 0x90], 0);
  b.writeUInt16LE(512, 11);
  b[13] = 4; // sectors per cluster
  b.writeUInt16LE(4, 14); // reserved sectors
  b[16] = 2; // FATs
  b[21] = 0xf8; // media
  b[510] = 0x55;
  b[511] = 0xaa;
}

describe('classifyHead (content only)', () => {
  it('finds an MBR, a GPT and a FAT filesystem without a partition table', () => {
    expect(classifyHead(sector(mbr))).toEqual({ kind: 'raw', layout: 'mbr' });
    expect(classifyHead(sector((b) => (mbr(b), b.write('EFI PART', 512, 'latin1'))))).toEqual({
      kind: 'raw',
      layout: 'gpt',
    });
    expect(classifyHead(sector(fatBootSector))).toEqual({ kind: 'raw', layout: 'fat' });
  });

  it('does not take a bare 0x55AA with an implausible partition table for a disk', () => {
    expect(classifyHead(sector((b) => mbr(b, 0x13))).kind).toBe('unknown'); // bad boot flag
    expect(classifyHead(sector((b) => ((b[510] = 0x55), (b[511] = 0xaa)))).kind).toBe('unknown'); // no partition
  });

  it('knows each compressed format by its magic bytes', () => {
    const magic = (bytes: number[]) => sector((b) => b.set(bytes, 0));
    expect(classifyHead(magic([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toEqual({
      kind: 'compressed',
      format: 'xz',
    });
    expect(classifyHead(magic([0x1f, 0x8b, 0x08]))).toEqual({ kind: 'compressed', format: 'gzip' });
    expect(classifyHead(magic([0x50, 0x4b, 0x03, 0x04]))).toEqual({
      kind: 'compressed',
      format: 'zip',
    });
    expect(classifyHead(magic([0x42, 0x5a, 0x68, 0x39]))).toEqual({
      kind: 'compressed',
      format: 'bzip2',
    });
    expect(classifyHead(magic([0x28, 0xb5, 0x2f, 0xfd]))).toEqual({
      kind: 'compressed',
      format: 'zstd',
    });
    expect(classifyHead(magic([0x42, 0x5a, 0x68, 0x00])).kind).not.toBe('compressed'); // "BZh" without a block size
  });

  it('names other things that are not images', () => {
    expect(classifyHead(Buffer.alloc(0))).toEqual({ kind: 'empty' });
    expect(classifyHead(Buffer.from('plain text, ünïcode too\n'))).toEqual({
      kind: 'text',
      html: false,
    });
    expect(classifyHead(Buffer.from('  <!DOCTYPE html><html></html>'))).toEqual({
      kind: 'text',
      html: true,
    });
    expect(classifyHead(sector((b) => b.write('ustar', 257, 'latin1')))).toEqual({
      kind: 'other',
      what: 'a tar archive',
    });
    expect(classifyHead(sector((b) => b.write('CD001', 0x8001, 'latin1'), 36 * 1024))).toEqual({
      kind: 'other',
      what: 'an ISO 9660 installer image',
    });
    expect(classifyHead(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]))).toEqual({ kind: 'unknown' });
  });
});

describe('detectImageFormat on real files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-detect-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each archive made by the system tools by content, whatever its name', async (ctx) => {
    requirePrerequisite(ctx, hasCommand('sfdisk'), 'sfdisk (util-linux)');
    const raw = await makeRawImage(dir, 'plain.bin');
    expect(await detectImageFormat(raw.path)).toEqual({ format: 'raw', layout: 'mbr' });
    for (const format of ['xz', 'gzip', 'zip', 'bzip2', 'zstd'] as const) {
      requirePrerequisite(ctx, hasCompressor(format), `${compressors[format]}`);
      const archive = compress(raw.path, format, dir, `misleading-${format}.img`);
      expect(await detectImageFormat(archive)).toEqual({ format, layout: null });
    }
  });

  it('reads real OS layouts: GPT and a FAT filesystem without a partition table', async (ctx) => {
    const missing = missingFixtureTools();
    requirePrerequisite(ctx, missing.length === 0, `fixture tools: ${missing.join(', ')}`);
    const gpt = await makeFixtureImage('ubuntu', dir, {
      partitionTable: 'gpt',
      fileName: 'gpt.img',
    });
    expect(await detectImageFormat(gpt.path)).toEqual({ format: 'raw', layout: 'gpt' });
    const legacy = await makeFixtureImage('alpine-legacy', dir);
    expect(await detectImageFormat(legacy.path)).toEqual({ format: 'raw', layout: 'fat' });
    const alpine = await makeFixtureImage('alpine', dir);
    expect(await detectImageFormat(alpine.path)).toEqual({ format: 'raw', layout: 'mbr' });
  });

  it('says what a file is when it is not an image', async () => {
    const tar = join(dir, 'boot.tar');
    writeFileSync(
      tar,
      sector((b) => b.write('ustar', 257, 'latin1')),
    );
    const error = await detectImageFormat(tar).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).problem).toBe('unsupported-archive');
    expect((error as ImageError).message).toMatch(
      /boot\.tar is a tar archive, not a Raspberry Pi disk image/,
    );
  });
});
