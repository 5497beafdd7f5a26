import { availableParallelism } from 'node:os';
import type { Duplex } from 'node:stream';
import { createGunzip } from 'node:zlib';

import type { CompressedFormat } from './detect-format';
import { ProcessDecoder, type ToolCommand } from './process-decoder';
import { findTool, multiThreadedXz } from './system-tools';

/**
 * Which decoder turns a compressed stream into the raw image:
 * - 'auto': a system tool when there is one (xz ≥ 5.4 with one thread per core, lbzip2 on
 *   all cores or bzip2, zstd), else the in-process decoder;
 * - 'builtin': always the in-process decoder (lzma-native, zlib, unbzip2-stream, fzstd).
 * Zip is read in-process either way (it needs random access to its central directory).
 */
export type DecoderChoice = 'auto' | 'builtin';

export interface Decoder {
  stream: Duplex;
  /** What decodes, for logs and the benchmark ("xz -T0", "lzma-native 5.2.3", …). */
  name: string;
}

/**
 * The in-process decoders are loaded only when used (about 0.1 s of start-up otherwise): with
 * the system tools at hand, a flash never needs them.
 */
export async function createDecoder(
  format: Exclude<CompressedFormat, 'zip'>,
  choice: DecoderChoice = 'auto',
): Promise<Decoder> {
  const cores = Math.max(1, availableParallelism());
  const system = choice === 'auto';
  switch (format) {
    case 'xz': {
      const xz = system ? multiThreadedXz() : null;
      if (xz) return { stream: new ProcessDecoder(xz, ['-dcq', '-T0']), name: 'xz -T0' };
      // liblzma 5.2 inside lzma-native has no multi-threaded decoder; it runs off the main
      // thread (libuv pool), in parallel with hashing and writing.
      const { createDecompressor } = await import('lzma-native');
      return { stream: createDecompressor(), name: 'lzma-native' };
    }
    case 'gzip':
      // One deflate stream has to be inflated in order: no format-level parallelism.
      return { stream: createGunzip({ chunkSize: 1 << 20 }), name: 'zlib' };
    case 'bzip2': {
      const lbzip2 = system ? findTool('lbzip2') : null;
      if (lbzip2)
        return { stream: new ProcessDecoder(lbzip2, ['-dc', '-n', String(cores)]), name: 'lbzip2' };
      const bzip2 = system ? findTool('bzip2') : null;
      if (bzip2) return { stream: new ProcessDecoder(bzip2, ['-dc']), name: 'bzip2' };
      const { Bzip2Decoder } = await import('./bzip2-decoder');
      return { stream: new Bzip2Decoder(), name: 'unbzip2-stream' };
    }
    case 'zstd': {
      const zstd = system ? findTool('zstd') : null;
      if (zstd) return { stream: new ProcessDecoder(zstd, ['-dcq']), name: 'zstd' };
      const { ZstdDecoder } = await import('./zstd-decoder');
      return { stream: new ZstdDecoder(), name: 'fzstd' };
    }
  }
}

/**
 * A system tool that can write the raw image into the cache file itself, leaving zeros as holes
 * (xz ≥ 5.4 on all cores; zstd with --sparse): the fastest way, as no decompressed byte passes
 * through this process. Null when the choice or the system rules it out (then createDecoder).
 */
export function fileWritingDecoder(
  format: Exclude<CompressedFormat, 'zip'>,
  choice: DecoderChoice = 'auto',
): { tool: ToolCommand; name: string } | null {
  if (choice !== 'auto') return null;
  if (format === 'xz') {
    const xz = multiThreadedXz();
    return xz ? { tool: { command: xz, args: ['-dcq', '-T0'] }, name: 'xz -T0' } : null;
  }
  if (format === 'zstd') {
    const zstd = findTool('zstd');
    return zstd ? { tool: { command: zstd, args: ['-dcq', '--sparse'] }, name: 'zstd' } : null;
  }
  return null;
}
