import { spawn } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

import type { OsFamily } from '../../main/provision/model';
import { hasCommand, requirePrerequisite, type SkippableContext } from './prerequisites';

/**
 * Small, sparse raw disk images that imitate the real layouts of the OS images Kubeflash
 * flashes (partition offsets, labels and their case, FAT type, boot files, /etc/os-release),
 * built with the same tools a distribution uses: sfdisk, mkfs.vfat, mkfs.ext4 and mtools.
 * Used by the disk and detection tests and by the flash engine's tests.
 */

export const fixtureKinds = [
  'raspios-bookworm',
  'raspios-trixie',
  'ubuntu',
  'hypriot',
  'alpine',
  'alpine-legacy',
  'unknown',
  'not-a-disk',
] as const;
export type FixtureKind = (typeof fixtureKinds)[number];

/** The fixtures that are real OS layouts, with the family detection must find. */
export const fixtureFamilies: Record<Exclude<FixtureKind, 'unknown' | 'not-a-disk'>, OsFamily> = {
  'raspios-bookworm': 'raspios-bookworm',
  'raspios-trixie': 'raspios-trixie',
  ubuntu: 'ubuntu',
  hypriot: 'hypriot',
  alpine: 'alpine',
  'alpine-legacy': 'alpine',
};

export type FatBits = 12 | 16 | 32;

export interface FixtureOptions {
  /** File name inside `dir`; defaults to `<kind>.img`. Never used for detection. */
  fileName?: string;
  /** GPT instead of MBR (not for alpine-legacy, which has no partition table). */
  partitionTable?: 'mbr' | 'gpt';
  /** Override the kind's FAT type (each kind has a realistic default). */
  fatBits?: FatBits;
  /** Override the boot partition's label (e.g. `boot`, as Raspberry Pi OS had up to Bullseye). */
  bootLabel?: string;
  /** Replace the kind's boot files (paths '/'-separated; folders are created). */
  bootFiles?: Record<string, Uint8Array>;
}

export interface FixturePartition {
  /** 1-based like /dev/sdaN; 0 for a filesystem without a partition table. */
  index: number;
  /** In 512-byte sectors, as written to the partition table. */
  startSector: number;
  sectors: number;
  /** In bytes. */
  offset: number;
  size: number;
  filesystem: 'fat' | 'ext4';
  label: string;
  fatBits?: FatBits;
}

export interface FixtureImage {
  kind: FixtureKind;
  path: string;
  /** Apparent size in bytes. */
  size: number;
  partitionTable: 'mbr' | 'gpt' | null;
  partitions: FixturePartition[];
  /** The FAT boot partition, when the image has one. */
  boot: FixturePartition | null;
  /** Every file put on the boot partition, by '/'-separated path. */
  bootFiles: Record<string, Uint8Array>;
  /** /etc/os-release fields on the root filesystem, when there is one. */
  osRelease: Record<string, string> | null;
  /** The family detection must report; null for images that are not a supported OS. */
  family: OsFamily | null;
}

/** Commands the builders run; tests check them through requirePrerequisite. */
export const fixtureTools = [
  'sfdisk',
  'mkfs.vfat',
  'mkfs.ext4',
  'mcopy',
  'mmd',
  'mdir',
  'fsck.vfat',
  'dd',
] as const;

export function missingFixtureTools(): string[] {
  return fixtureTools.filter((tool) => !hasCommand(tool));
}

const SECTOR = 512;
const MiB_SECTORS = 2048;

/** Sizes keep the FAT type honest: FAT32 needs at least 65525 clusters, FAT12 fewer than 4085. */
const fatGeometry: Record<FatBits, { sectors: number; sectorsPerCluster: number }> = {
  32: { sectors: 40 * MiB_SECTORS, sectorsPerCluster: 1 },
  16: { sectors: 20 * MiB_SECTORS, sectorsPerCluster: 4 },
  12: { sectors: 20 * MiB_SECTORS, sectorsPerCluster: 16 },
};

const ROOT_SECTORS = 16 * MiB_SECTORS;
/** Room after the last partition (the backup GPT lives there). */
const TAIL_SECTORS = MiB_SECTORS;

interface Layout {
  bootStart: number;
  bootLabel: string;
  fatBits: FatBits;
  bootFiles: Record<string, Uint8Array>;
  root: { label: string; osRelease: Record<string, string> } | null;
  /** No partition table: the FAT filesystem starts at sector 0. */
  superfloppy?: boolean;
  /** MBR partition type of the FAT partition. */
  mbrType: string;
}

/**
 * Builds one fixture image in `dir` and describes what it put there. Images are sparse files of
 * a few tens of MiB; building one takes well under a second.
 */
export async function makeFixtureImage(
  kind: FixtureKind,
  dir: string,
  options: FixtureOptions = {},
): Promise<FixtureImage> {
  const path = join(dir, options.fileName ?? `${kind}.img`);
  if (kind === 'not-a-disk') return makeNotADisk(path);

  const layout = layoutOf(kind, options);
  const geometry = fatGeometry[layout.fatBits];
  const partitionTable = layout.superfloppy ? null : (options.partitionTable ?? 'mbr');
  const bootStart = layout.superfloppy ? 0 : layout.bootStart;
  const rootStart = bootStart + geometry.sectors;
  const totalSectors =
    rootStart + (layout.root ? ROOT_SECTORS : 0) + (layout.superfloppy ? 0 : TAIL_SECTORS);

  await writeFile(path, '');
  await truncate(path, totalSectors * SECTOR);

  const boot: FixturePartition = {
    index: layout.superfloppy ? 0 : 1,
    startSector: bootStart,
    sectors: geometry.sectors,
    offset: bootStart * SECTOR,
    size: geometry.sectors * SECTOR,
    filesystem: 'fat',
    label: layout.bootLabel,
    fatBits: layout.fatBits,
  };
  const partitions = [boot];
  if (layout.root) {
    partitions.push({
      index: 2,
      startSector: rootStart,
      sectors: ROOT_SECTORS,
      offset: rootStart * SECTOR,
      size: ROOT_SECTORS * SECTOR,
      filesystem: 'ext4',
      label: layout.root.label,
    });
  }

  if (partitionTable) await writePartitionTable(path, partitionTable, partitions, layout.mbrType);
  await makeFat(path, boot, geometry.sectorsPerCluster);
  await putFiles(path, boot.offset, layout.bootFiles);
  const rootPartition = partitions[1];
  if (layout.root && rootPartition) {
    await makeExt4(path, rootPartition, layout.root.osRelease);
  }

  return {
    kind,
    path,
    size: totalSectors * SECTOR,
    partitionTable,
    partitions,
    boot,
    bootFiles: layout.bootFiles,
    osRelease: layout.root?.osRelease ?? null,
    family: kind === 'unknown' ? null : fixtureFamilies[kind],
  };
}

function layoutOf(kind: Exclude<FixtureKind, 'not-a-disk'>, options: FixtureOptions): Layout {
  const base = layouts[kind]();
  return {
    ...base,
    fatBits: options.fatBits ?? base.fatBits,
    bootLabel: options.bootLabel ?? base.bootLabel,
    bootFiles: options.bootFiles ?? base.bootFiles,
  };
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Deterministic bytes (mulberry32), so fixtures are the same on every run. */
export function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) & 0xff;
  }
  return out;
}

const raspiConfig = text(
  [
    '# For more options and information see',
    '# http://rptl.io/configtxt',
    'dtparam=audio=on',
    'camera_auto_detect=1',
    'display_auto_detect=1',
    'auto_initramfs=1',
    'dtoverlay=vc4-kms-v3d',
    'max_framebuffers=2',
    'arm_64bit=1',
    '',
    '[all]',
    '',
  ].join('\n'),
);

const debianRelease = (codename: string, version: string): Record<string, string> => ({
  PRETTY_NAME: `Debian GNU/Linux ${version} (${codename})`,
  NAME: 'Debian GNU/Linux',
  VERSION_ID: version,
  VERSION: `${version} (${codename})`,
  VERSION_CODENAME: codename,
  ID: 'debian',
  HOME_URL: 'https://www.debian.org/',
});

const layouts: Record<Exclude<FixtureKind, 'not-a-disk'>, () => Layout> = {
  'raspios-bookworm': () => ({
    bootStart: 8192,
    bootLabel: 'bootfs',
    fatBits: 32,
    mbrType: 'c',
    bootFiles: {
      'cmdline.txt': text(
        'console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 ' +
          'fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot\n',
      ),
      'config.txt': raspiConfig,
      'start4.elf': pseudoRandomBytes(24 * 1024, 1),
      'bcm2711-rpi-4-b.dtb': pseudoRandomBytes(5000, 2),
      'overlays/vc4-kms-v3d.dtbo': pseudoRandomBytes(3000, 3),
      'issue.txt': text(
        'Raspberry Pi reference 2024-11-19\nGenerated using pi-gen, ' +
          'https://github.com/RPi-Distro/pi-gen, stage2\n',
      ),
    },
    root: { label: 'rootfs', osRelease: debianRelease('bookworm', '12') },
  }),
  'raspios-trixie': () => ({
    bootStart: 16384,
    bootLabel: 'bootfs',
    fatBits: 16,
    mbrType: 'c',
    bootFiles: {
      'cmdline.txt': text(
        'console=serial0,115200 console=tty1 root=PARTUUID=a1b2c3d4-02 rootfstype=ext4 ' +
          'fsck.repair=yes rootwait quiet splash plymouth.ignore-serial-consoles ' +
          'cfg80211.ieee80211_regdom=GB\n',
      ),
      'config.txt': raspiConfig,
      'start4.elf': pseudoRandomBytes(24 * 1024, 4),
      'issue.txt': text('Raspberry Pi reference 2025-10-01\n'),
      'user-data': text('#cloud-config\n# This file is replaced by Raspberry Pi Imager\n'),
      'meta-data': text('instance-id: rpios-image\n'),
      'network-config': text('network:\n  version: 2\n'),
    },
    root: { label: 'rootfs', osRelease: debianRelease('trixie', '13') },
  }),
  ubuntu: () => ({
    bootStart: 2048,
    bootLabel: 'system-boot',
    fatBits: 32,
    mbrType: 'c',
    bootFiles: {
      'cmdline.txt': text(
        'console=serial0,115200 multipath=off dwc_otg.lpm_enable=0 console=tty1 ' +
          'root=LABEL=writable rootfstype=ext4 rootwait fixrtc\n',
      ),
      'config.txt': text(
        '[all]\nkernel=vmlinuz\ncmdline=cmdline.txt\ninitramfs initrd.img followkernel\n',
      ),
      'user-data': text(
        '#cloud-config\n\n# On first boot, set the (default) ubuntu user password to "ubuntu"\n' +
          'chpasswd:\n  expire: true\n  users:\n    - name: ubuntu\n      password: ubuntu\n' +
          '      type: text\n',
      ),
      'meta-data': text(
        '# This is the meta-data configuration file for cloud-init.\ninstance_id: cloud-image\n',
      ),
      'network-config': text(
        'network:\n  version: 2\n  ethernets:\n    eth0:\n      dhcp4: true\n      optional: true\n',
      ),
      README: text('An overview of the files on the boot partition\n'),
      vmlinuz: pseudoRandomBytes(40 * 1024, 5),
    },
    root: {
      label: 'writable',
      osRelease: {
        PRETTY_NAME: 'Ubuntu 24.04.1 LTS',
        NAME: 'Ubuntu',
        VERSION_ID: '24.04',
        VERSION: '24.04.1 LTS (Noble Numbat)',
        VERSION_CODENAME: 'noble',
        ID: 'ubuntu',
        ID_LIKE: 'debian',
        UBUNTU_CODENAME: 'noble',
      },
    },
  }),
  hypriot: () => ({
    bootStart: 2048,
    bootLabel: 'HypriotOS',
    fatBits: 16,
    mbrType: 'c',
    bootFiles: {
      // HypriotOS already enables the memory cgroup: edits must not duplicate it.
      'cmdline.txt': text(
        'dwc_otg.lpm_enable=0 console=serial0,115200 console=tty1 root=PARTUUID=ee25660b-02 ' +
          'rootfstype=ext4 cgroup_enable=cpuset cgroup_enable=memory swapaccount=1 ' +
          'elevator=deadline fsck.repair=yes rootwait\n',
      ),
      'config.txt': text('hdmi_force_hotplug=1\nenable_uart=0\nstart_x=0\ngpu_mem=16\n'),
      'user-data': text(
        '#cloud-config\nhostname: black-pearl\nmanage_etc_hosts: true\nusers:\n  - name: pirate\n',
      ),
      'meta-data': text('instance-id: iid-local01\n'),
      'kernel7.img': pseudoRandomBytes(30 * 1024, 6),
    },
    root: {
      label: 'root',
      osRelease: {
        PRETTY_NAME: 'Raspbian GNU/Linux 10 (buster)',
        NAME: 'Raspbian GNU/Linux',
        VERSION_ID: '10',
        VERSION_CODENAME: 'buster',
        ID: 'raspbian',
        ID_LIKE: 'debian',
        HYPRIOT_OS: 'HypriotOS/armhf',
        HYPRIOT_OS_VERSION: 'v2.4.0',
      },
    },
  }),
  alpine: () => ({
    bootStart: 2048,
    bootLabel: 'PIBOOT',
    fatBits: 16,
    mbrType: 'e',
    bootFiles: alpineFiles(),
    root: null,
  }),
  'alpine-legacy': () => ({
    bootStart: 0,
    bootLabel: '',
    fatBits: 16,
    mbrType: 'e',
    superfloppy: true,
    bootFiles: alpineFiles(),
    root: null,
  }),
  unknown: () => ({
    bootStart: 2048,
    bootLabel: 'DATA',
    fatBits: 16,
    mbrType: 'c',
    bootFiles: {
      'notes.txt': text('shopping list\n'),
      'photos/img0001.jpg': pseudoRandomBytes(9000, 7),
      'backup.zip': pseudoRandomBytes(4000, 8),
    },
    root: null,
  }),
};

function alpineFiles(): Record<string, Uint8Array> {
  return {
    'cmdline.txt': text('modules=loop,squashfs,sd-mod,usb-storage quiet console=tty1\n'),
    'config.txt': text(
      '[pi4]\nenable_gic=1\nkernel=boot/vmlinuz-rpi\ninitramfs boot/initramfs-rpi\n',
    ),
    '.alpine-release': text('alpine-rpi-3.21.0 241205\n'),
    'apks/aarch64/APKINDEX.tar.gz': pseudoRandomBytes(6000, 9),
    'boot/vmlinuz-rpi': pseudoRandomBytes(20 * 1024, 10),
    'boot/initramfs-rpi': pseudoRandomBytes(12 * 1024, 11),
    'start4.elf': pseudoRandomBytes(8 * 1024, 12),
  };
}

async function makeNotADisk(path: string): Promise<FixtureImage> {
  const bytes = pseudoRandomBytes(1024 * 1024, 13);
  // No accidental boot-sector signature, whatever the generator produced.
  bytes[510] = 0;
  bytes[511] = 0;
  await writeFile(path, bytes);
  return {
    kind: 'not-a-disk',
    path,
    size: bytes.length,
    partitionTable: null,
    partitions: [],
    boot: null,
    bootFiles: {},
    osRelease: null,
    family: null,
  };
}

const gptTypes = {
  fat: 'EBD0A0A2-B9E5-4433-87C0-68B6B72699C7',
  ext4: '0FC63DAF-8483-4772-8E79-3D69D8477DE4',
};

async function writePartitionTable(
  path: string,
  table: 'mbr' | 'gpt',
  partitions: FixturePartition[],
  mbrFatType: string,
): Promise<void> {
  const lines = [`label: ${table === 'mbr' ? 'dos' : 'gpt'}`, 'unit: sectors'];
  for (const p of partitions) {
    const type =
      table === 'gpt' ? gptTypes[p.filesystem] : p.filesystem === 'fat' ? mbrFatType : '83';
    lines.push(`start=${p.startSector}, size=${p.sectors}, type=${type}`);
  }
  await run('sfdisk', ['--quiet', '--no-reread', '--no-tell-kernel', path], {
    input: `${lines.join('\n')}\n`,
  });
}

async function makeFat(
  path: string,
  p: FixturePartition,
  sectorsPerCluster: number,
): Promise<void> {
  const args = ['-F', String(p.fatBits), '-s', String(sectorsPerCluster)];
  if (p.label) args.push('-n', p.label);
  // A superfloppy keeps its boot code where a partition table would be (no fake MBR).
  if (p.index === 0) args.push('--mbr=n');
  else args.push(`--offset=${p.startSector}`, '-h', String(p.startSector));
  args.push(path, String(p.size / 1024));
  await run('mkfs.vfat', args);
}

/** mtools refuses images whose geometry it does not like; these are fine. */
export const mtoolsEnv = { MTOOLS_SKIP_CHECK: '1' };

async function putFiles(
  path: string,
  offset: number,
  files: Record<string, Uint8Array>,
): Promise<void> {
  const staging = await mkdtemp(join(dirname(path), '.fixture-'));
  try {
    const image = `${path}@@${offset}`;
    const madeDirs = new Set<string>();
    for (const [file, content] of Object.entries(files)) {
      const parts = file.split('/');
      for (let i = 1; i < parts.length; i++) {
        const folder = parts.slice(0, i).join('/');
        if (madeDirs.has(folder)) continue;
        await run('mmd', ['-i', image, `::/${folder}`], { env: mtoolsEnv });
        madeDirs.add(folder);
      }
      const local = join(staging, 'file');
      await writeFile(local, content);
      await run('mcopy', ['-i', image, '-o', local, `::/${file}`], { env: mtoolsEnv });
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function makeExt4(
  path: string,
  p: FixturePartition,
  osRelease: Record<string, string>,
): Promise<void> {
  const staging = await mkdtemp(join(dirname(path), '.rootfs-'));
  try {
    const body = Object.entries(osRelease)
      .map(([key, value]) => `${key}="${value}"`)
      .join('\n');
    // As on Debian and Ubuntu: /etc/os-release is a relative symlink into /usr/lib.
    await mkdir(join(staging, 'etc'), { recursive: true });
    await mkdir(join(staging, 'usr', 'lib'), { recursive: true });
    await writeFile(join(staging, 'usr', 'lib', 'os-release'), `${body}\n`);
    await symlink('../usr/lib/os-release', join(staging, 'etc', 'os-release'));
    await run('mkfs.ext4', [
      '-q',
      '-F',
      '-L',
      p.label,
      '-d',
      staging,
      '-E',
      `offset=${p.offset},nodiscard`,
      path,
      `${p.size / 1024}k`,
    ]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

interface RunOptions {
  input?: string;
  env?: Record<string, string>;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool (sbin folders added to PATH) and resolves with its exit code and output. */
export function runStatus(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      PATH: `${process.env.PATH ?? ''}:/usr/local/sbin:/usr/sbin:/sbin`,
      ...options.env,
    };
    const input = options.input;
    const child = spawn(command, args, {
      env,
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // a tool that exits early: its exit code tells
      child.stdin.on('error', () => {}); // the program may exit without reading stdin
      child.stdin.end(input);
    }
  });
}

/** Runs a tool and resolves with its stdout; rejects (with its stderr) unless it exits 0. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await runStatus(command, args, options);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim();
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}: ${detail}`);
  }
  return result.stdout;
}

/** Where a filesystem lies in an image (a FixturePartition or a detected BootPartition fits). */
export interface ImageRegion {
  offset: number;
  size: number;
}

/** Copies one partition out of an image into its own (sparse) file. */
export async function extractPartition(
  image: string,
  region: ImageRegion,
  dest: string,
): Promise<void> {
  await run('dd', [
    `if=${image}`,
    `of=${dest}`,
    'bs=512',
    `skip=${region.offset / SECTOR}`,
    `count=${region.size / SECTOR}`,
    'conv=sparse',
    'status=none',
  ]);
}

/**
 * `fsck.vfat -n` (check only, change nothing) on a FAT partition of an image, through an
 * extracted copy so it needs no loop device. Exit code 0 means clean.
 */
export async function fsckFat(
  image: string,
  region: ImageRegion,
  extraArgs: string[] = [],
): Promise<RunResult> {
  const dir = await mkdtemp(join(dirname(image), '.fsck-'));
  try {
    const copy = join(dir, 'partition.img');
    await extractPartition(image, region, copy);
    return await runStatus('fsck.vfat', ['-n', ...extraArgs, copy]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A file's bytes as mtools (an independent FAT reader) reads them. */
export async function mtoolsRead(image: string, offset: number, path: string): Promise<Buffer> {
  const dir = await mkdtemp(join(dirname(image), '.mtools-'));
  try {
    const local = join(dir, 'file');
    await run('mcopy', ['-n', '-i', `${image}@@${offset}`, `::/${path}`, local], {
      env: mtoolsEnv,
    });
    return await readFile(local);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file of a FAT filesystem as mtools reads it, by '/'-separated path (one mcopy run). */
export async function mtoolsReadAll(image: string, offset: number): Promise<Map<string, Buffer>> {
  const dir = await mkdtemp(join(dirname(image), '.mtools-'));
  try {
    await run('mcopy', ['-s', '-n', '-m', '-i', `${image}@@${offset}`, '::/*', dir], {
      env: mtoolsEnv,
    });
    const files = new Map<string, Buffer>();
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const full = join(entry.parentPath, entry.name);
      files.set(relative(dir, full).split(sep).join('/'), await readFile(full));
    }
    return files;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every file and folder path on a FAT filesystem, as mtools lists them (recursive). */
export async function mtoolsList(image: string, offset: number): Promise<string[]> {
  const out = await run('mdir', ['-b', '-/', '-i', `${image}@@${offset}`, '::/'], {
    env: mtoolsEnv,
  });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => line.replace(/^::\//, '').replace(/\/$/, ''));
}

/** Call first in a test that builds fixtures: skips (or fails under KUBEFLASH_STRICT) without the tools. */
export function requireFixtureTools(ctx: SkippableContext): void {
  const missing = missingFixtureTools();
  requirePrerequisite(
    ctx,
    missing.length === 0,
    `fixture image tools missing: ${missing.join(', ')}`,
  );
}
