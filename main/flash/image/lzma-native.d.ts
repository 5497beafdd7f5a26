// The part of lzma-native (no bundled types) that the image code uses.
declare module 'lzma-native' {
  import type { Duplex } from 'node:stream';

  export function createDecompressor(options?: {
    memlimit?: number;
    synchronous?: boolean;
  }): Duplex;
  /** Version of the bundled liblzma, e.g. "5.2.3". */
  export function versionString(): string;
}
