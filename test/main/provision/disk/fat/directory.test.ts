import { describe, expect, it } from 'vitest';

// Long-name checksums are checked against mtools-written volumes in the fixture tests.
import {
  ATTR_DIRECTORY,
  ATTR_VOLUME_ID,
  parseDirectory,
  shortNameChecksum,
} from '../../../../../main/provision/disk/fat/directory';

/** An 8.3 entry: `name` is the 11-character padded form. */
function shortEntry(
  name11: string,
  options: { attr?: number; cluster?: number; size?: number; caseFlags?: number } = {},
): Buffer {
  const slot = Buffer.alloc(32);
  slot.write(name11, 0, 'latin1');
  slot[11] = options.attr ?? 0x20;
  slot[12] = options.caseFlags ?? 0;
  const cluster = options.cluster ?? 0;
  slot.writeUInt16LE(cluster >>> 16, 20);
  slot.writeUInt16LE(cluster & 0xffff, 26);
  slot.writeUInt32LE(options.size ?? 0, 28);
  return slot;
}

/** The long-name slots for `name` (last part first), as Windows writes them. */
function longEntries(name: string, checksum: number): Buffer[] {
  const units = [...name].map((c) => c.charCodeAt(0));
  if (units.length % 13) units.push(0);
  while (units.length % 13) units.push(0xffff);
  const parts = units.length / 13;
  const slots: Buffer[] = [];
  for (let part = parts; part >= 1; part--) {
    const slot = Buffer.alloc(32);
    slot[0] = part | (part === parts ? 0x40 : 0);
    slot[11] = 0x0f;
    slot[13] = checksum;
    const chunk = units.slice((part - 1) * 13, part * 13);
    chunk.forEach((u, i) => {
      const at = i < 5 ? 1 + i * 2 : i < 11 ? 14 + (i - 5) * 2 : 28 + (i - 11) * 2;
      slot.writeUInt16LE(u, at);
    });
    slots.push(slot);
  }
  return slots;
}

const at = (slot: number): number => 1000 + slot * 32;

describe('parseDirectory', () => {
  it('reads long names, short names with NT case flags, sizes and clusters', () => {
    const short = Buffer.from('NETWOR~1   ', 'latin1');
    const bytes = Buffer.concat([
      shortEntry('BOOTFS     ', { attr: ATTR_VOLUME_ID }),
      shortEntry('CMDLINE TXT', { cluster: 3, size: 154, caseFlags: 0x18 }),
      ...longEntries('network-config', shortNameChecksum(short)),
      shortEntry('NETWOR~1   ', { cluster: 0x12345, size: 22 }),
      shortEntry('OVERLAYS   ', { attr: ATTR_DIRECTORY, cluster: 7, caseFlags: 0x08 }),
      Buffer.alloc(64),
    ]);
    const dir = parseDirectory(bytes, at);
    expect(dir.volumeLabel).toEqual({ label: 'BOOTFS', slotOffset: at(0) });
    expect(dir.endSlot).toBe(6);
    expect(
      dir.entries.map((e) => [e.name, e.shortName, e.firstCluster, e.size, e.isDirectory]),
    ).toEqual([
      ['cmdline.txt', 'CMDLINE.TXT', 3, 154, false],
      ['network-config', 'NETWOR~1', 0x12345, 22, false],
      ['overlays', 'OVERLAYS', 7, 0, true],
    ]);
    expect(dir.entries[1]?.slotOffset).toBe(at(4));
  });

  it('falls back to the short name when the long name does not belong to it', () => {
    const bytes = Buffer.concat([
      ...longEntries('user-data', 0x42), // wrong checksum: an orphan left by another OS
      shortEntry('USER-D~1   ', { size: 5 }),
    ]);
    expect(parseDirectory(bytes, at).entries[0]?.name).toBe('USER-D~1');
  });

  it('skips deleted entries, with their long names, and stops at the end marker', () => {
    const short = Buffer.from('META-D~1   ', 'latin1');
    const deleted = shortEntry('XOLD    TXT');
    deleted[0] = 0xe5;
    const bytes = Buffer.concat([
      ...longEntries('meta-data', shortNameChecksum(short)).map((s) => {
        s[0] = 0xe5;
        return s;
      }),
      deleted,
      shortEntry('META-D~1   ', { size: 1 }),
      Buffer.alloc(32),
      shortEntry('GHOST   TXT'), // after the end marker: not an entry
    ]);
    const dir = parseDirectory(bytes, at);
    expect(dir.entries.map((e) => e.name)).toEqual(['META-D~1']);
    expect(dir.endSlot).toBe(3);
  });

  it('marks . and .. and decodes a leading 0x05 as 0xE5', () => {
    const kanji = shortEntry('xABC    TXT');
    kanji[0] = 0x05;
    const bytes = Buffer.concat([
      shortEntry('.          ', { attr: ATTR_DIRECTORY, cluster: 9 }),
      shortEntry('..         ', { attr: ATTR_DIRECTORY, cluster: 0 }),
      kanji,
    ]);
    const dir = parseDirectory(bytes, at);
    expect(dir.entries.map((e) => [e.shortName, e.isDotEntry])).toEqual([
      ['.', true],
      ['..', true],
      ['\u00e5ABC.TXT', false],
    ]);
    expect(dir.endSlot).toBeNull();
  });
});
