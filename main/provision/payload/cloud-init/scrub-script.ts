import { kubeflashDirs } from '../../model';
import { bootstrapLogTag } from '../bootstrap-unit';
import { script, shQuote } from '../shell';

export const scrubScriptPath = '/usr/local/sbin/kubeflash-scrub-boot';
/** Where user-data leaves the secret-free copies of the seed files for the scrub script. */
export const scrubbedSeedDir = `${kubeflashDirs.lib}/cloud-init`;

/**
 * Replaces user-data and network-config on the boot partition with the copies that hold no
 * secrets, once cloud-init has used them (last runcmd). The instance id is unchanged, so
 * cloud-init never re-runs per-instance modules from the scrubbed copies. Arguments (the boot
 * mount, the copies' folder) default to the family's; POSIX sh for dash and busybox.
 */
export function scrubScript(bootMount: string): string {
  return script([
    '#!/bin/sh',
    '# Kubeflash: take the secrets off the boot partition now that cloud-init has used them.',
    'set -u',
    `boot=\${1:-${shQuote(bootMount)}}`,
    `copies=\${2:-${shQuote(scrubbedSeedDir)}}`,
    `log() { logger -t ${bootstrapLogTag} -- "scrub: $*" 2>/dev/null || true; }`,
    '',
    'if [ ! -f "$boot/user-data" ]; then',
    '  log "no user-data under $boot; nothing to scrub"',
    '  exit 0',
    'fi',
    'remounted=',
    'if ! touch "$boot/.kubeflash-rw" 2>/dev/null; then',
    '  mount -o remount,rw "$boot" && remounted=yes',
    'fi',
    'rm -f "$boot/.kubeflash-rw"',
    'status=0',
    'for name in user-data network-config; do',
    '  [ -f "$copies/$name" ] || continue',
    '  # Write beside, then rename: a power cut leaves the old or the new file, never half.',
    '  if cp "$copies/$name" "$boot/$name.kubeflash" && mv -f "$boot/$name.kubeflash" "$boot/$name"; then',
    '    log "replaced $boot/$name with its copy without secrets"',
    '  else',
    '    log "could not replace $boot/$name"',
    '    status=1',
    '  fi',
    'done',
    'sync',
    '[ -n "$remounted" ] && mount -o remount,ro "$boot"',
    '[ "$status" -eq 0 ] && rm -rf "$copies"',
    'exit "$status"',
  ]);
}
