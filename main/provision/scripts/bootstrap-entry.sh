#!/bin/sh
# Kubeflash first-boot bootstrap, entry point. Started once by the OS-specific first-boot hook
# (cloud-init runcmd, firstrun's oneshot unit, Alpine local.d). Every phase is logged under the
# syslog tag kubeflash-bootstrap and recorded in /var/lib/kubeflash/status.json, which the app
# reads over SSH. Idempotent: a finished node exits at once; a reboot mid-way resumes.
set -u

TAG=kubeflash-bootstrap
LIB=/var/lib/kubeflash
CONF=/etc/kubeflash
STATUS="$LIB/status.json"
DONE="$LIB/done"
PHASE=start
SINCE=

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

log() {
  logger -t "$TAG" -- "$*" 2>/dev/null || true
  printf '%s %s\n' "$(now)" "$*" >>"$LIB/bootstrap.log"
}

# JSON-escape a message: backslashes and quotes, control characters dropped.
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"
}

write_status() { # step [error]
  error=null
  [ $# -ge 2 ] && error=$(json_string "$2")
  printf '{"phase":%s,"step":%s,"since":%s,"updated":%s,"lastError":%s}\n' \
    "$(json_string "$PHASE")" "$(json_string "$1")" "$(json_string "$SINCE")" \
    "$(json_string "$(now)")" "$error" >"$STATUS.tmp" && mv "$STATUS.tmp" "$STATUS"
}

phase() { # name
  PHASE=$1
  SINCE=$(now)
  log "phase $PHASE"
  write_status begin
}

fail() { # message
  log "error in phase $PHASE: $1"
  write_status failed "$1"
  exit 1
}

# Bounded wait: retries a check with a pause, then gives up with a recorded error.
wait_for() { # description tries pause command...
  what=$1 tries=$2 pause=$3
  shift 3
  i=0
  while ! "$@" >/dev/null 2>&1; do
    i=$((i + 1))
    [ "$i" -ge "$tries" ] && fail "gave up waiting for $what after $i tries"
    write_status "waiting for $what ($i)"
    sleep "$pause"
  done
}

has_default_route() { ip route show default | grep -q .; }

# NTP synced (systemd-timesyncd, chrony or busybox ntpd), or, air-gapped, a clock at least the
# flash time: certificates are made with a NotBefore before it.
time_is_trustworthy() {
  if command -v timedatectl >/dev/null 2>&1 &&
    [ "$(timedatectl show -p NTPSynchronized --value 2>/dev/null)" = yes ]; then
    return 0
  fi
  if command -v chronyc >/dev/null 2>&1 && chronyc -n tracking 2>/dev/null | grep -q 'Leap status *: Normal'; then
    return 0
  fi
  flash_time=$(cat "$CONF/flash-time" 2>/dev/null) || return 1
  [ "$(date -u +%s)" -ge "$flash_time" ]
}

mkdir -p "$LIB"
if [ -e "$DONE" ]; then
  log "already bootstrapped; nothing to do"
  exit 0
fi

phase network
wait_for "a default route" 360 5 has_default_route

phase time
wait_for "a synchronised clock" 360 5 time_is_trustworthy

if [ -x "$LIB/distribution.sh" ]; then
  phase distribution
  "$LIB/distribution.sh" || fail "distribution step failed (see $LIB/bootstrap.log)"
fi

phase "done"
write_status complete
: >"$DONE"
log "bootstrap finished"
