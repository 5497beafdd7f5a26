// The part of @ronomon/direct-io (no bundled types) that the image code uses.
declare module '@ronomon/direct-io' {
  /** A buffer whose memory address is a multiple of `alignment` (what O_DIRECT reads need). */
  export function getAlignedBuffer(size: number, alignment: number): Buffer;
}
