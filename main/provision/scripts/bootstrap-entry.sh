#!/bin/sh
# Kubeflash first-boot bootstrap, entry point (composed after the bootstrap library, which
# defines log, phase, step, fail, wait_for and the $R root prefix). Started by the OS-specific
# first-boot hook (systemd unit, Alpine local.d) on every boot until it has finished. Every
# phase is logged under the syslog tag kubeflash-bootstrap and recorded in
# /var/lib/kubeflash/status.json, which the app reads over SSH. A finished node exits at once;
# a reboot mid-way resumes.
set -u

DONE="$KF_LIB/done"

has_default_route() { ip route show default | grep -q .; }

# NTP synced (systemd-timesyncd, chrony), or, air-gapped, a clock at least the flash time:
# certificates are made with a NotBefore before it.
time_is_trustworthy() {
  if command -v timedatectl >/dev/null 2>&1 &&
    [ "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)" = yes ]; then
    return 0
  fi
  if command -v chronyc >/dev/null 2>&1 && chronyc -n tracking 2>/dev/null | grep -q 'Leap status *: Normal'; then
    return 0
  fi
  flash_time=$(cat "$KF_ETC/flash-time" 2>/dev/null) || return 1
  case $flash_time in '' | *[!0-9]*) return 1 ;; esac
  [ "$(date -u +%s)" -ge "$flash_time" ]
}

mkdir -p "$KF_LIB"
if [ -e "$DONE" ]; then
  log "already bootstrapped; nothing to do"
  exit 0
fi

phase network
wait_for "a default route" 360 5 has_default_route

phase time
# Nothing may touch certificates before the clock can be trusted.
# kubeflash:begin time-gate
wait_for "a synchronised clock" 360 5 time_is_trustworthy
# kubeflash:end time-gate

if [ -x "$KF_LIB/distribution.sh" ]; then
  # Through sh, not its #! line: the same shell runs both (busybox ash on Alpine).
  sh "$KF_LIB/distribution.sh" || {
    log "the distribution script failed; status.json holds its error"
    exit 1
  }
fi

phase "done"
write_status complete
: >"$DONE"
log "bootstrap finished"
