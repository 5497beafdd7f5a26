import { basename } from 'node:path';
import type { Readable } from 'node:stream';

import type { Entry, ZipFile } from 'yauzl';

import { formatBytes, ImageError } from './image-error';

/** How many entries a zip may list before it is refused (an image zip holds one or a few). */
const MAX_ENTRIES = 10_000;

export interface ZipImageEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** 0 stored, 8 deflated (the only methods read). */
  method: 0 | 8;
}

export interface ZipImage {
  entry: ZipImageEntry;
  /** The entry's bytes exactly as stored in the archive (still deflated when method is 8). */
  openRaw(): Promise<Readable>;
  close(): void;
}

/**
 * The disk image inside a zip archive: the single `.img` entry, or the largest one when there
 * are several. Refuses archives without one, password-protected entries and compression
 * methods other than stored and deflate, each with its own message.
 */
export async function openZipImage(path: string): Promise<ZipImage> {
  const name = basename(path);
  const zip = await openZip(path).catch((error: Error) => {
    throw new ImageError(
      'corrupt-archive',
      `${name} is not a complete zip archive (${error.message}): it is damaged or was cut short. Download it again.`,
      path,
    );
  });
  try {
    const entries = await readEntries(zip, path);
    const images = entries.filter(isImageEntry);
    if (images.length === 0) {
      const listed = entries
        .slice(0, 5)
        .map((e) => e.fileName)
        .join(', ');
      throw new ImageError(
        'no-image-in-archive',
        `The zip archive ${name} contains no disk image (.img file)${listed ? `; it holds: ${listed}${entries.length > 5 ? ', …' : ''}` : ': it is empty'}. Choose the zip that contains the Raspberry Pi image.`,
        path,
      );
    }
    const chosen = images.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
    if ((chosen.generalPurposeBitFlag & 0x1) !== 0) {
      throw new ImageError(
        'unsupported-archive',
        `${chosen.fileName} in ${name} is password-protected. Extract it with an unzip tool and choose the .img file.`,
        path,
      );
    }
    if (chosen.compressionMethod !== 0 && chosen.compressionMethod !== 8) {
      throw new ImageError(
        'unsupported-archive',
        `${chosen.fileName} in ${name} uses zip compression method ${chosen.compressionMethod}, which Kubeflash does not read (only stored and deflate). Extract it with an unzip tool and choose the .img file.`,
        path,
      );
    }
    const entry: ZipImageEntry = {
      name: chosen.fileName,
      compressedSize: chosen.compressedSize,
      uncompressedSize: chosen.uncompressedSize,
      crc32: chosen.crc32 >>> 0,
      method: chosen.compressionMethod,
    };
    return {
      entry,
      openRaw: () =>
        new Promise<Readable>((resolve, reject) => {
          zip.openReadStream(chosen, { decodeFileData: false }, (error, stream) => {
            if (error) {
              reject(
                new ImageError(
                  'corrupt-archive',
                  `${chosen.fileName} in ${name} cannot be read (${error.message}): the archive is damaged. Download it again.`,
                  path,
                ),
              );
            } else resolve(stream);
          });
        }),
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

/** yauzl is loaded only for a zip: other images never need it. */
async function openZip(path: string): Promise<ZipFile> {
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error) reject(error);
      else resolve(zip);
    });
  });
}

function readEntries(zip: ZipFile, path: string): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      if (entries.length > MAX_ENTRIES) {
        reject(
          new ImageError(
            'unsupported-archive',
            `${basename(path)} lists more than ${MAX_ENTRIES} files: it is not an image archive.`,
            path,
          ),
        );
        return;
      }
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) =>
      reject(
        new ImageError(
          'corrupt-archive',
          `${basename(path)} is not a complete zip archive (${error.message}): it is damaged or was cut short. Download it again.`,
          path,
        ),
      ),
    );
    zip.readEntry();
  });
}

function isImageEntry(entry: Entry): boolean {
  const name = entry.fileName;
  const leaf = name.split('/').pop() ?? '';
  return (
    !name.endsWith('/') &&
    !name.startsWith('__MACOSX/') &&
    !leaf.startsWith('._') &&
    /\.img$/i.test(leaf) &&
    entry.uncompressedSize > 0
  );
}

export function describeZipEntry(entry: ZipImageEntry): string {
  return `${entry.name} (${formatBytes(entry.uncompressedSize)})`;
}
