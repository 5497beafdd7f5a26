import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { sh } from './shell';

/** A Bookworm-like image: 256 MiB FAT32 bootfs at sector 8192, ext4 rootfs with ~420 MiB used. */
export function makeImage(dir: string): string {
  const image = join(dir, 'raspios-like.img');
  sh('truncate', ['-s', `${1200}M`, image]);
  sh('sfdisk', ['--quiet', image], {
    input: 'label: dos\nstart=8192, size=524288, type=c\nstart=532480, type=83\n',
  });
  sh('mkfs.vfat', [
    '-F',
    '32',
    '-s',
    '4',
    '-n',
    'bootfs',
    '--offset',
    '8192',
    '-h',
    '8192',
    image,
    String(256 * 1024),
  ]);
  const boot = join(dir, 'boot');
  mkdirSync(boot);
  writeFileSync(
    join(boot, 'cmdline.txt'),
    'console=serial0,115200 console=tty1 root=PARTUUID=00000000-02 rootfstype=ext4 fsck.repair=yes rootwait\n',
  );
  writeFileSync(join(boot, 'config.txt'), 'arm_64bit=1\n');
  writeFileSync(join(boot, 'issue.txt'), 'Raspberry Pi reference 2025-05-13\n');
  sh('dd', [
    'if=/dev/urandom',
    `of=${join(boot, 'kernel8.img')}`,
    'bs=1M',
    'count=24',
    'status=none',
  ]);
  sh(
    'mcopy',
    [
      '-s',
      '-i',
      `${image}@@${8192 * 512}`,
      ...['cmdline.txt', 'config.txt', 'issue.txt', 'kernel8.img'].map((f) => join(boot, f)),
      '::/',
    ],
    {
      env: { ...process.env, MTOOLS_SKIP_CHECK: '1' },
    },
  );
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'usr', 'lib'), { recursive: true });
  writeFileSync(
    join(root, 'etc', 'os-release'),
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n',
  );
  // Half random (incompressible binaries), half text-like (compressible), as a real rootfs.
  for (let i = 0; i < 14; i++)
    sh('dd', [
      'if=/dev/urandom',
      `of=${join(root, 'usr', 'lib', `blob${i}`)}`,
      'bs=1M',
      'count=15',
      'status=none',
    ]);
  const text = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n'.repeat(18000);
  for (let i = 0; i < 200; i++) writeFileSync(join(root, 'usr', 'lib', `doc${i}.txt`), text);
  const rootOffset = 532480 * 512;
  const rootSize = statSync(image).size - rootOffset;
  sh('mkfs.ext4', [
    '-q',
    '-F',
    '-L',
    'rootfs',
    '-d',
    root,
    '-E',
    `offset=${rootOffset}`,
    image,
    `${Math.floor(rootSize / 1024)}k`,
  ]);
  return image;
}
