/**
 * Parsing FAT directory entries (8.3 names with the Windows NT lower-case flags, and VFAT long
 * names). Pure: works on the bytes of a directory plus where each 32-byte slot lives.
 */

export const ATTR_READ_ONLY = 0x01;
export const ATTR_HIDDEN = 0x02;
export const ATTR_SYSTEM = 0x04;
export const ATTR_VOLUME_ID = 0x08;
export const ATTR_DIRECTORY = 0x10;
const ATTR_LONG_NAME = 0x0f;

export const SLOT_SIZE = 32;

export interface DirectoryEntry {
  /** The long name when there is a valid one, else the 8.3 name as Windows/Linux show it. */
  name: string;
  /** The 8.3 name, upper case, with a dot before a non-empty extension. */
  shortName: string;
  attributes: number;
  isDirectory: boolean;
  /** `.` or `..` in a subdirectory. */
  isDotEntry: boolean;
  firstCluster: number;
  size: number;
  /** Byte offset of the 32-byte short entry from the start of the filesystem. */
  slotOffset: number;
}

export interface VolumeLabelEntry {
  label: string;
  slotOffset: number;
}

export interface ParsedDirectory {
  entries: DirectoryEntry[];
  /** The volume label entry (root directory only). */
  volumeLabel: VolumeLabelEntry | null;
  /** Slot index of the end-of-directory marker, or null when every slot is used. */
  endSlot: number | null;
}

interface LongNamePart {
  order: number;
  checksum: number;
  chars: string;
}

/**
 * Parses a directory's slots. `slotOffset(i)` gives the filesystem byte offset of slot `i`
 * (directories are cluster chains, so slots are not contiguous on disk).
 */
export function parseDirectory(
  bytes: Uint8Array,
  slotOffset: (slot: number) => number,
): ParsedDirectory {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const entries: DirectoryEntry[] = [];
  let volumeLabel: VolumeLabelEntry | null = null;
  let longParts: LongNamePart[] = [];
  const slots = Math.floor(b.length / SLOT_SIZE);

  for (let slot = 0; slot < slots; slot++) {
    const at = slot * SLOT_SIZE;
    const first = b[at];
    if (first === 0x00) return { entries, volumeLabel, endSlot: slot };
    if (first === 0xe5) {
      longParts = [];
      continue;
    }
    const attributes = b.readUInt8(at + 11);
    if ((attributes & 0x3f) === ATTR_LONG_NAME) {
      longParts.push(readLongNamePart(b, at));
      continue;
    }
    const rawName = b.subarray(at, at + 11);
    if (attributes & ATTR_VOLUME_ID) {
      if (!volumeLabel) {
        volumeLabel = {
          label: decodeShort(rawName).replace(/ +$/, ''),
          slotOffset: slotOffset(slot),
        };
      }
      longParts = [];
      continue;
    }
    const caseFlags = b.readUInt8(at + 12);
    const shortName = shortNameOf(rawName, 0);
    const longName = assembleLongName(longParts, shortNameChecksum(rawName));
    longParts = [];
    entries.push({
      name: longName ?? shortNameOf(rawName, caseFlags),
      shortName,
      attributes,
      isDirectory: (attributes & ATTR_DIRECTORY) !== 0,
      isDotEntry: shortName === '.' || shortName === '..',
      firstCluster: (b.readUInt16LE(at + 20) << 16) | b.readUInt16LE(at + 26),
      size: b.readUInt32LE(at + 28),
      slotOffset: slotOffset(slot),
    });
  }
  return { entries, volumeLabel, endSlot: null };
}

/** The checksum of an 8.3 name that its long-name slots carry. */
export function shortNameChecksum(name11: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 11; i++) sum = (((sum & 1) << 7) + (sum >> 1) + (name11[i] ?? 0)) & 0xff;
  return sum;
}

function readLongNamePart(b: Buffer, at: number): LongNamePart {
  const units: number[] = [];
  for (const [from, count] of [
    [1, 5],
    [14, 6],
    [28, 2],
  ] as const) {
    for (let i = 0; i < count; i++) units.push(b.readUInt16LE(at + from + i * 2));
  }
  const end = units.indexOf(0x0000);
  const used = end === -1 ? units : units.slice(0, end);
  return {
    order: b.readUInt8(at),
    checksum: b.readUInt8(at + 13),
    chars: String.fromCharCode(...used.filter((u) => u !== 0xffff)),
  };
}

/** Long-name slots come last-part-first; they count only when complete and matching. */
function assembleLongName(parts: LongNamePart[], checksum: number): string | null {
  const first = parts[0];
  if (!first || !(first.order & 0x40)) return null;
  const count = first.order & 0x1f;
  if (parts.length !== count) return null;
  let name = '';
  for (let i = 0; i < count; i++) {
    const part = parts[i];
    if (!part || (part.order & 0x1f) !== count - i || part.checksum !== checksum) return null;
    name = part.chars + name;
  }
  return name || null;
}

function decodeShort(raw: Uint8Array): string {
  const copy = Buffer.from(raw);
  if (copy[0] === 0x05) copy[0] = 0xe5; // 0xE5 as a first character is stored as 0x05
  return copy.toString('latin1');
}

/** 8.3 name; `caseFlags` bits 3/4 (NT) mean "show base/extension in lower case". */
function shortNameOf(raw: Uint8Array, caseFlags: number): string {
  const text = decodeShort(raw);
  let base = text.slice(0, 8).replace(/ +$/, '');
  let ext = text.slice(8, 11).replace(/ +$/, '');
  if (caseFlags & 0x08) base = base.toLowerCase();
  if (caseFlags & 0x10) ext = ext.toLowerCase();
  return ext ? `${base}.${ext}` : base;
}
