/**
 * HypriotOS runs cloud-init 0.7.9 with the module lists of hypriot/image-builder-rpi
 * `builder/files/etc/cloud/cloud.cfg`. Only these modules exist there, so user-data for HypriotOS
 * may only use the top-level keys they read (newer keys such as `keyboard`, `ntp: {enabled}`,
 * `write_files[].defer` would be silently ignored). Keys per module as in 0.7.9's
 * cloudinit/config/cc_*.py.
 */
export const cloudInit079Modules = {
  // cloud_init_modules
  migrator: ['migrate'],
  seed_random: ['random_seed'],
  bootcmd: ['bootcmd'],
  'write-files': ['write_files'],
  growpart: ['growpart'],
  resizefs: ['resize_rootfs'],
  disk_setup: ['disk_setup', 'fs_setup'],
  mounts: ['mounts', 'mount_default_fields', 'swap'],
  set_hostname: ['hostname', 'fqdn', 'preserve_hostname'],
  update_hostname: ['hostname', 'fqdn', 'preserve_hostname'],
  update_etc_hosts: ['manage_etc_hosts'],
  'ca-certs': ['ca-certs'],
  rsyslog: ['rsyslog'],
  'users-groups': ['users', 'groups'],
  ssh: [
    'ssh_deletekeys',
    'ssh_genkeytypes',
    'ssh_keys',
    'ssh_authorized_keys',
    'disable_root',
    'disable_root_opts',
  ],
  // cloud_config_modules
  emit_upstart: [],
  'ssh-import-id': ['ssh_import_id'],
  locale: ['locale', 'locale_configfile'],
  'set-passwords': ['ssh_pwauth', 'chpasswd', 'password'],
  'grub-dpkg': ['grub_dpkg'],
  'apt-pipelining': ['apt_pipelining'],
  'apt-configure': ['apt', 'apt_preserve_sources_list'],
  ntp: ['ntp'],
  timezone: ['timezone'],
  'disable-ec2-metadata': ['disable_ec2_metadata'],
  runcmd: ['runcmd'],
  byobu: ['byobu_by_default'],
  // cloud_final_modules
  'package-update-upgrade-install': [
    'packages',
    'package_update',
    'package_upgrade',
    'package_reboot_if_required',
    'apt_update',
    'apt_upgrade',
  ],
  fan: ['fan'],
  puppet: ['puppet'],
  chef: ['chef'],
  'salt-minion': ['salt_minion'],
  mcollective: ['mcollective'],
  rightscale_userdata: [],
  'scripts-vendor': ['vendor_data'],
  'scripts-per-once': [],
  'scripts-per-boot': [],
  'scripts-per-instance': [],
  'scripts-user': [],
  'ssh-authkey-fingerprints': ['no_ssh_fingerprints', 'authkey_hash'],
  'keys-to-console': ['ssh'],
  'phone-home': ['phone_home'],
  'final-message': ['final_message'],
  'power-state-change': ['power_state'],
} as const satisfies Record<string, readonly string[]>;

/** Every top-level user-data key some 0.7.9 module on HypriotOS reads. */
export const cloudInit079Keys: ReadonlySet<string> = new Set(
  Object.values(cloudInit079Modules).flat(),
);
