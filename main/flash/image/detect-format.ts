import { open } from 'node:fs/promises';
import { basename } from 'node:path';

import { ImageError } from './image-error';

/**
 * What a file is, from its first bytes (never from its name): a raw disk image or one of the
 * compressed forms images are published in. Everything else gets a specific error.
 */

export type CompressedFormat = 'xz' | 'gzip' | 'zip' | 'bzip2' | 'zstd';
export type ImageFormat = 'raw' | CompressedFormat;
/** How a raw image starts: an MBR or GPT partition table, or a FAT filesystem on the whole disk. */
export type RawLayout = 'mbr' | 'gpt' | 'fat';

export type HeadKind =
  | { kind: 'raw'; layout: RawLayout }
  | { kind: 'compressed'; format: CompressedFormat }
  | { kind: 'empty' }
  | { kind: 'text'; html: boolean }
  | { kind: 'other'; what: string }
  | { kind: 'unknown' };

/** Enough of a file to see every signature below (ISO 9660 puts its own at 32 KiB + 1). */
export const HEAD_BYTES = 36 * 1024;

const compressedMagic: readonly (readonly [CompressedFormat, readonly number[]])[] = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['zip', [0x50, 0x4b, 0x05, 0x06]], // an empty zip archive: no entries at all
  ['bzip2', [0x42, 0x5a, 0x68]], // "BZh", then the block size digit (checked below)
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

const otherMagic: readonly (readonly [string, number, readonly number[]])[] = [
  ['a 7-Zip archive', 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['a RAR archive', 0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['a QEMU qcow2 disk', 0, [0x51, 0x46, 0x49, 0xfb]],
  ['a tar archive', 257, [0x75, 0x73, 0x74, 0x61, 0x72]], // "ustar"
  ['an ISO 9660 installer image', 0x8001, [0x43, 0x44, 0x30, 0x30, 0x31]], // "CD001"
];

function matches(head: Uint8Array, offset: number, magic: readonly number[]): boolean {
  if (head.length < offset + magic.length) return false;
  return magic.every((byte, i) => head[offset + i] === byte);
}

/** What the first bytes of a file say it is. `head` should hold HEAD_BYTES (or the whole file). */
export function classifyHead(head: Uint8Array): HeadKind {
  if (head.length === 0) return { kind: 'empty' };
  for (const [format, magic] of compressedMagic) {
    if (!matches(head, 0, magic)) continue;
    if (format === 'bzip2' && !(head[3]! >= 0x31 && head[3]! <= 0x39)) continue;
    return { kind: 'compressed', format };
  }
  const layout = rawLayout(head);
  if (layout) return { kind: 'raw', layout };
  for (const [what, offset, magic] of otherMagic) {
    if (matches(head, offset, magic)) return { kind: 'other', what };
  }
  if (looksLikeText(head)) return { kind: 'text', html: looksLikeHtml(head) };
  return { kind: 'unknown' };
}

/** GPT ("EFI PART" in sector 1), a FAT boot sector in sector 0, or a plausible MBR. */
export function rawLayout(head: Uint8Array): RawLayout | null {
  if (head.length < 512) return null;
  const b = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (b.length >= 520 && b.toString('latin1', 512, 520) === 'EFI PART') return 'gpt';
  if (b[510] !== 0x55 || b[511] !== 0xaa) return null;
  if (isFatBootSector(b)) return 'fat';
  return plausibleMbr(b) ? 'mbr' : null;
}

/** A FAT boot sector: x86 jump, then a sane BIOS parameter block (fatgen103). */
function isFatBootSector(b: Buffer): boolean {
  if (!((b[0] === 0xeb && b[2] === 0x90) || b[0] === 0xe9)) return false;
  const bytesPerSector = b.readUInt16LE(11);
  const sectorsPerCluster = b[13]!;
  const reserved = b.readUInt16LE(14);
  const fats = b[16]!;
  const media = b[21]!;
  return (
    [512, 1024, 2048, 4096].includes(bytesPerSector) &&
    sectorsPerCluster > 0 &&
    (sectorsPerCluster & (sectorsPerCluster - 1)) === 0 &&
    reserved > 0 &&
    (fats === 1 || fats === 2) &&
    (media === 0xf0 || media >= 0xf8)
  );
}

/** Four partition entries with a valid boot flag each, at least one of them in use. */
function plausibleMbr(b: Buffer): boolean {
  let used = 0;
  for (let i = 0; i < 4; i++) {
    const entry = 446 + i * 16;
    const status = b[entry]!;
    if (status !== 0x00 && status !== 0x80) return false;
    const type = b[entry + 4]!;
    const sectors = b.readUInt32LE(entry + 12);
    if (type !== 0 && sectors > 0) used += 1;
  }
  return used > 0;
}

function looksLikeText(head: Uint8Array): boolean {
  const sample = head.subarray(0, Math.min(head.length, 8192));
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  if (control > sample.length / 100) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, lastCompleteChar(sample)));
    return true;
  } catch {
    return false;
  }
}

/** Cut a sample before a UTF-8 sequence that the sample's end split. */
function lastCompleteChar(sample: Uint8Array): number {
  let end = sample.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = sample[end - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (need > back) end -= back;
    break;
  }
  return end;
}

function looksLikeHtml(head: Uint8Array): boolean {
  const start = Buffer.from(head.subarray(0, 512)).toString('utf8').trimStart().toLowerCase();
  return (
    start.startsWith('<!doctype html') || start.startsWith('<html') || start.startsWith('<?xml')
  );
}

const formatNames: Record<CompressedFormat, string> = {
  xz: 'xz',
  gzip: 'gzip',
  zip: 'zip',
  bzip2: 'bzip2',
  zstd: 'Zstandard',
};

/** The compression's own name: "xz", "gzip", "zip", "bzip2", "Zstandard". */
export function compressionName(format: CompressedFormat): string {
  return formatNames[format];
}

export function formatName(format: ImageFormat): string {
  return format === 'raw' ? 'raw disk image' : `${formatNames[format]} archive`;
}

/**
 * The error for something that is not an image nor a supported archive. `inside` names the
 * archive when the bytes came out of one.
 */
export function notAnImage(path: string, head: HeadKind, inside?: CompressedFormat): ImageError {
  const name = basename(path);
  const where = inside ? `The ${formatNames[inside]} archive ${name} holds` : `${name} is`;
  switch (head.kind) {
    case 'empty':
      return inside
        ? new ImageError(
            'no-image-in-archive',
            `${where} no data at all: it is not a disk image. Download it again.`,
            path,
          )
        : new ImageError(
            'empty',
            `${name} is empty (0 bytes): it is not a disk image. Download or copy it again.`,
            path,
          );
    case 'text':
      return new ImageError(
        'text-file',
        head.html
          ? `${where} a web page (HTML), not a disk image: the download probably returned an error page. Check the address and download it again.`
          : `${where} a text file, not a disk image. Choose the image file itself (.img, .img.xz, .zip, .gz, .bz2 or .zst).`,
        path,
      );
    case 'other':
      return new ImageError(
        'unsupported-archive',
        `${where} ${head.what}, not a Raspberry Pi disk image. Extract the .img from it, or choose a .img, .img.xz, .zip, .gz, .bz2 or .zst file.`,
        path,
      );
    default:
      return new ImageError(
        'not-an-image',
        `${where} not a disk image: it has neither a partition table (MBR or GPT) nor a FAT filesystem at its start${inside ? '' : ', and is not a supported archive (.xz, .zip, .gz, .bz2, .zst)'}. Choose a Raspberry Pi OS image file.`,
        path,
      );
  }
}

/** Read up to HEAD_BYTES from the start of a file. */
export async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export interface DetectedFormat {
  format: ImageFormat;
  /** For raw images: how the disk starts. */
  layout: RawLayout | null;
}

/** The format of an image file by its content; throws an ImageError for anything else. */
export async function detectImageFormat(path: string): Promise<DetectedFormat> {
  const head = classifyHead(await readHead(path));
  if (head.kind === 'raw') return { format: 'raw', layout: head.layout };
  if (head.kind === 'compressed') return { format: head.format, layout: null };
  throw notAnImage(path, head);
}
