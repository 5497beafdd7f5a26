import { type FatGeometry, parseBootSector } from './boot-sector';
import type { PartitionIO } from './partition-io';
import { FatTable } from './table';

/**
 * Making a FAT filesystem clean after fatfs (inside balena-image-fs) wrote to it. fatfs updates
 * only the first FAT and never the FAT32 FSInfo sector, so `fsck.vfat -n` reports "FATs differ"
 * and a wrong free-cluster count, and Windows or the Pi firmware may trust the stale copy.
 * This copies the first (or, with mirroring off, the active) FAT over every other copy and
 * recomputes the FSInfo free count and next-free hint from it. Works on raw partition bytes.
 */

const FSINFO_LEAD = 0x41615252;
const FSINFO_STRUCT = 0x61417272;
const FSINFO_TRAIL = 0xaa550000;
/** FSInfo value meaning "unknown". */
const FSINFO_UNKNOWN = 0xffffffff;

export interface FsInfoState {
  freeClusters: number;
  nextFree: number;
}

export interface FatSyncReport {
  fatType: FatGeometry['fatType'];
  /** The copy all others now equal (0 unless FAT32 mirroring is off). */
  sourceFat: number;
  /** Copies whose bytes differed and were rewritten. */
  copiesRewritten: number[];
  bytesWritten: number;
  /** FAT32 only: the FSInfo values now on disk, and whether they had to change. */
  fsInfo: (FsInfoState & { updated: boolean }) | null;
}

export async function syncFat(io: PartitionIO): Promise<FatSyncReport> {
  const geometry = await readGeometry(io);
  const sourceFat = geometry.activeFat ?? 0;
  const source = await readFatCopy(io, geometry, sourceFat);
  const report: FatSyncReport = {
    fatType: geometry.fatType,
    sourceFat,
    copiesRewritten: [],
    bytesWritten: 0,
    fsInfo: null,
  };

  for (let copy = 0; copy < geometry.fatCount; copy++) {
    if (copy === sourceFat) continue;
    const target = await readFatCopy(io, geometry, copy);
    const base = geometry.fatOffset + copy * geometry.fatBytes;
    // Only differing sectors are written: less wear on the card, and a clean FAT stays untouched.
    const runs = differingRuns(source, target, geometry.bytesPerSector);
    for (const [start, end] of runs) {
      await io.write(base + start, source.subarray(start, end));
      report.bytesWritten += end - start;
    }
    if (runs.length > 0) report.copiesRewritten.push(copy);
  }

  if (geometry.fatType === 32 && geometry.fsInfoSector !== null) {
    const table = new FatTable(32, source, geometry.clusterCount);
    report.fsInfo = await updateFsInfo(io, geometry, computeFsInfo(table));
    if (report.fsInfo?.updated) report.bytesWritten += 8;
  }
  return report;
}

/** What syncFat would change, without writing: empty when the FAT is clean. */
export async function checkFat(io: PartitionIO): Promise<string[]> {
  const geometry = await readGeometry(io);
  const sourceFat = geometry.activeFat ?? 0;
  const source = await readFatCopy(io, geometry, sourceFat);
  const problems: string[] = [];
  for (let copy = 0; copy < geometry.fatCount; copy++) {
    if (copy === sourceFat) continue;
    const target = await readFatCopy(io, geometry, copy);
    if (!source.equals(target))
      problems.push(`FAT copy ${copy + 1} differs from copy ${sourceFat + 1}`);
  }
  if (geometry.fatType === 32 && geometry.fsInfoSector !== null) {
    const sector = await io.read(geometry.fsInfoSector * geometry.bytesPerSector, 512);
    if (hasFsInfoSignatures(sector)) {
      const expected = computeFsInfo(new FatTable(32, source, geometry.clusterCount));
      const free = sector.readUInt32LE(488);
      if (free !== expected.freeClusters) {
        problems.push(`FSInfo free clusters ${free}, really ${expected.freeClusters}`);
      }
    }
  }
  return problems;
}

/** Free clusters, and the first free cluster as the hint where allocation should look. */
export function computeFsInfo(table: FatTable): FsInfoState {
  return {
    freeClusters: table.freeCount(),
    nextFree: table.firstFree() ?? FSINFO_UNKNOWN,
  };
}

export function hasFsInfoSignatures(sector: Buffer): boolean {
  return (
    sector.readUInt32LE(0) === FSINFO_LEAD &&
    sector.readUInt32LE(484) === FSINFO_STRUCT &&
    sector.readUInt32LE(508) === FSINFO_TRAIL
  );
}

async function updateFsInfo(
  io: PartitionIO,
  geometry: FatGeometry,
  state: FsInfoState,
): Promise<(FsInfoState & { updated: boolean }) | null> {
  const at = (geometry.fsInfoSector ?? 0) * geometry.bytesPerSector;
  const sector = await io.read(at, 512);
  // Without valid signatures this is not an FSInfo sector: leave it alone (fsck ignores it too).
  if (!hasFsInfoSignatures(sector)) return null;
  const updated =
    sector.readUInt32LE(488) !== state.freeClusters || sector.readUInt32LE(492) !== state.nextFree;
  if (updated) {
    const fields = Buffer.alloc(8);
    fields.writeUInt32LE(state.freeClusters >>> 0, 0);
    fields.writeUInt32LE(state.nextFree >>> 0, 4);
    await io.write(at + 488, fields);
  }
  return { ...state, updated };
}

async function readGeometry(io: PartitionIO): Promise<FatGeometry> {
  const geometry = parseBootSector(await io.read(0, Math.min(512, io.size)));
  if (!geometry) throw new Error('Not a FAT filesystem');
  const end = geometry.fatOffset + geometry.fatCount * geometry.fatBytes;
  if (end > io.size) throw new Error('FAT filesystem is larger than its partition');
  return geometry;
}

function readFatCopy(io: PartitionIO, geometry: FatGeometry, copy: number): Promise<Buffer> {
  return io.read(geometry.fatOffset + copy * geometry.fatBytes, geometry.fatBytes);
}

/** [start, end) byte ranges, aligned to `unit`, where `a` and `b` differ; adjacent ones merged. */
export function differingRuns(a: Buffer, b: Buffer, unit: number): [number, number][] {
  const runs: [number, number][] = [];
  for (let start = 0; start < a.length; start += unit) {
    const end = Math.min(start + unit, a.length);
    if (a.subarray(start, end).equals(b.subarray(start, end))) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === start) last[1] = end;
    else runs.push([start, end]);
  }
  return runs;
}
