/** What differs between the OS families that take cloud-init. */
export interface CloudInitFamily {
  /** Where the FAT boot partition (the NoCloud seed) is mounted on the running node. */
  bootMount: string;
  networkConfigVersion: 1 | 2;
  /** cloud-init ≥ 22 modules: keyboard, ntp `enabled`. HypriotOS's 0.7.9 has neither. */
  modern: boolean;
  /** Supplementary groups of the login user; all exist on a stock image. */
  groups: string[];
  /** The image's meta-data says `dsmode: local`; keep it so user-data applies before network. */
  dsmodeLocal: boolean;
  /** raspberrypi-sys-mods regenerates SSH host keys on first boot (after cloud-init's ssh). */
  regeneratesHostKeys: boolean;
}

export const cloudInitFamilies = {
  // Ubuntu Server for Raspberry Pi: seed on `system-boot`, mounted at /boot/firmware.
  ubuntu: {
    bootMount: '/boot/firmware',
    networkConfigVersion: 2,
    modern: true,
    groups: ['adm', 'sudo', 'users'],
    dsmodeLocal: true,
    regeneratesHostKeys: false,
  },
  // pi-gen stage2/04-cloud-init: NoCloud `seedfrom: file:///boot/firmware`.
  'raspios-trixie': {
    bootMount: '/boot/firmware',
    networkConfigVersion: 2,
    modern: true,
    // Raspberry Pi Imager's list for the first user.
    groups: [
      'users',
      'adm',
      'dialout',
      'audio',
      'netdev',
      'video',
      'plugdev',
      'cdrom',
      'games',
      'input',
      'gpio',
      'spi',
      'i2c',
      'render',
      'sudo',
    ],
    dsmodeLocal: true,
    regeneratesHostKeys: true,
  },
  // hypriot/image-builder-rpi: /etc/fstab mounts the FAT at /boot; seed links point there.
  hypriot: {
    bootMount: '/boot',
    networkConfigVersion: 1,
    modern: false,
    groups: ['adm', 'sudo', 'users', 'video'],
    dsmodeLocal: false,
    regeneratesHostKeys: false,
  },
} as const satisfies Record<string, CloudInitFamily>;

export type CloudInitFamilyName = keyof typeof cloudInitFamilies;
