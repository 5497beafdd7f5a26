#!/bin/sh
# Kubeflash bootstrap library, shared by the entry script (bootstrap.sh) and the per-node
# distribution script (distribution.sh). POSIX sh: runs under dash, busybox ash and bash.
#
# Every absolute path goes through $R (KF_ROOT), empty on a real node: the test harness runs
# these scripts in a sandboxed root. File *contents* (service units) name the real paths.
R=${KF_ROOT:-}
KF_TAG=kubeflash-bootstrap
KF_LIB=$R/var/lib/kubeflash
KF_ETC=$R/etc/kubeflash
KF_STATUS=$KF_LIB/status.json
KF_STEPS=$KF_LIB/steps
KF_BIN=$R/usr/local/bin
PHASE=start
SINCE=
LC_ALL=C
export LC_ALL
umask 022
# Installed binaries are found by name; a real node also needs the sbin folders.
PATH=$PATH:$KF_BIN
[ -n "$R" ] || PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# log and write_status stamp with $KF_AT when the caller has just read the clock for both (a
# fork less each: a Pi Zero forks slowly).
KF_AT=

log() {
  logger -t "$KF_TAG" -- "$*" 2>/dev/null || true
  printf '%s %s\n' "${KF_AT:-$(now)}" "$*" >>"$KF_LIB/bootstrap.log"
}

# JSON-escape a message: backslashes and quotes, control characters dropped. Plain text (the
# usual case) takes no subprocess: a Pi Zero forks slowly.
json_string() {
  case $1 in
    *[\\\"]* | *[![:print:]]*)
      printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')"
      ;;
    *) printf '"%s"' "$1" ;;
  esac
}

# status.json keeps one shape (the app's health watch reads it): phase, step, since, updated,
# lastError.
write_status() { # step [error]
  s_error=null
  [ $# -ge 2 ] && s_error=$(json_string "$2")
  printf '{"phase":%s,"step":%s,"since":%s,"updated":%s,"lastError":%s}\n' \
    "$(json_string "$PHASE")" "$(json_string "$1")" "$(json_string "$SINCE")" \
    "$(json_string "${KF_AT:-$(now)}")" "$s_error" >"$KF_STATUS.tmp" && mv "$KF_STATUS.tmp" "$KF_STATUS"
}

phase() { # name
  PHASE=$1
  SINCE=$(now)
  KF_AT=$SINCE
  log "phase $PHASE"
  write_status begin
  KF_AT=
}

step() { # description
  KF_AT=$(now)
  log "$PHASE: $1"
  write_status "$1"
  KF_AT=
}

fail() { # message
  log "error in phase $PHASE: $1"
  write_status failed "$1"
  exit 1
}

# Run a command with its output in bootstrap.log (never on the console, never secrets).
quietly() { "$@" >>"$KF_LIB/bootstrap.log" 2>&1; }

# retry WHAT TRIES PAUSE MAX_PAUSE COMMAND...: run COMMAND until it succeeds, at most TRIES
# times, pausing PAUSE seconds, doubled after each try up to MAX_PAUSE. Returns 1 when it gives
# up. Not re-entrant (POSIX sh has no locals): never nest retries.
KF_RETRYING=
retry() {
  [ -z "$KF_RETRYING" ] || fail "internal error: retry of $1 inside retry of $KF_RETRYING"
  r_what=$1 r_tries=$2 r_pause=$3 r_max=$4
  shift 4
  KF_RETRYING=$r_what
  r_try=1
  while ! "$@"; do
    if [ "$r_try" -ge "$r_tries" ]; then
      log "gave up on $r_what after $r_try tries"
      KF_RETRYING=
      return 1
    fi
    write_status "waiting for $r_what (try $r_try of $r_tries)"
    sleep "$r_pause"
    r_try=$((r_try + 1))
    r_pause=$((r_pause * 2))
    [ "$r_pause" -gt "$r_max" ] && r_pause=$r_max
  done
  KF_RETRYING=
  return 0
}

# Bounded wait with a fixed pause; failing records the error and stops the bootstrap.
wait_for() { # description tries pause command...
  w_what=$1 w_tries=$2 w_pause=$3
  shift 3
  retry "$w_what" "$w_tries" "$w_pause" "$w_pause" "$@" >/dev/null 2>&1 ||
    fail "gave up waiting for $w_what after $w_tries tries"
}

# Completed-step markers: a reboot mid-way resumes after the last completed step.
step_done() { [ -e "$KF_STEPS/$1" ]; }
mark_step() { : >"$KF_STEPS/$1" 2>/dev/null || { mkdir -p "$KF_STEPS" && : >"$KF_STEPS/$1"; }; }

# write_file PATH MODE < content: replaces PATH only when the content differs, so a rerun
# writes nothing twice.
write_file() {
  [ -d "${1%/*}" ] || mkdir -p "${1%/*}" || return 1
  cat >"$1.kubeflash-new" || return 1
  chmod "$2" "$1.kubeflash-new"
  if [ -f "$1" ] && cmp -s "$1" "$1.kubeflash-new"; then
    rm -f "$1.kubeflash-new"
  else
    mv -f "$1.kubeflash-new" "$1"
  fi
}

# Add-on manifests on the card (control planes) into the folder the distribution auto-applies.
copy_manifests() { # folder under the root
  for c_manifest in "$KF_ETC"/manifests/*.yaml; do
    [ -f "$c_manifest" ] || continue
    mkdir -p "$R$1" && cp "$c_manifest" "$R$1/" || return 1
  done
}

append_line_once() { # file line
  [ -d "${1%/*}" ] || mkdir -p "${1%/*}" || return 1
  [ -f "$1" ] && grep -qxF -- "$2" "$1" && return 0
  printf '%s\n' "$2" >>"$1"
}

# Node facts written by the app (node.env): checked again here, they come from a file.
load_node_env() {
  [ -r "$KF_ETC/node.env" ] || fail "$KF_ETC/node.env is missing: re-flash this card with Kubeflash"
  # shellcheck source=/dev/null
  . "$KF_ETC/node.env"
  case ${KF_ROLE:-} in control-plane | worker) ;; *) fail "node.env: unknown role '${KF_ROLE:-}'" ;; esac
  case ${KF_INIT:-} in yes | no) ;; *) fail "node.env: KF_INIT must be yes or no" ;; esac
  case ${KF_HOSTNAME:-} in '' | *[!a-z0-9-]*) fail "node.env: invalid hostname '${KF_HOSTNAME:-}'" ;; esac
  case ${KF_ENDPOINT_PORT:-} in '' | *[!0-9]*) fail "node.env: invalid endpoint port" ;; esac
  case ${KF_ENDPOINT_HOST:-} in '' | *[!A-Za-z0-9.-]*) fail "node.env: invalid endpoint host" ;; esac
  case ${KF_ADDRESS:-}${KF_CONTROL_PLANE_ADDRESSES:-} in *[!0-9.\ ]*) fail "node.env: invalid node addresses" ;; esac
}

is_control_plane() { [ "$KF_ROLE" = control-plane ]; }

# --- OS-specific parts, detected at runtime -------------------------------------------------

detect_os() {
  if command -v apt-get >/dev/null 2>&1; then
    KF_PKG=apt
  elif command -v apk >/dev/null 2>&1; then
    KF_PKG=apk
  else
    fail "no package manager (apt-get or apk) found: Kubeflash supports Debian-family and Alpine images"
  fi
  if command -v systemctl >/dev/null 2>&1; then
    KF_INIT_SYSTEM=systemd
  elif command -v rc-service >/dev/null 2>&1; then
    KF_INIT_SYSTEM=openrc
  else
    fail "no service manager (systemctl or rc-service) found"
  fi
  log "packages: $KF_PKG, services: $KF_INIT_SYSTEM"
}

KF_APT_UPDATED=
pkg_install_once() { # apt-names apk-names (space-separated)
  if [ "$KF_PKG" = apt ]; then
    if [ -z "$KF_APT_UPDATED" ]; then
      quietly apt-get update -q || return 1
      KF_APT_UPDATED=yes
    fi
    # shellcheck disable=SC2086 # word splitting: a list of package names
    DEBIAN_FRONTEND=noninteractive quietly apt-get install -y -q --no-install-recommends $1
  else
    # shellcheck disable=SC2086
    quietly apk add --no-cache $2
  fi
}

pkg_install() { # apt-names apk-names
  step "installing packages: $([ "$KF_PKG" = apt ] && echo "$1" || echo "$2")"
  retry "the package mirror" 5 10 60 pkg_install_once "$1" "$2" ||
    fail "could not install packages ($1 / $2): check the node's network and its package mirror"
}

service_enable_start() { # name
  if [ "$KF_INIT_SYSTEM" = systemd ]; then
    quietly systemctl daemon-reload && quietly systemctl enable "$1" && quietly systemctl restart "$1"
  else
    quietly rc-update add "$1" default && quietly rc-service "$1" restart
  fi
}

# write_service NAME DESCRIPTION COMMAND ARGS...: a supervised, restarting service.
write_service() {
  v_name=$1 v_description=$2
  shift 2
  if [ "$KF_INIT_SYSTEM" = systemd ]; then
    write_file "$R/etc/systemd/system/$v_name.service" 0644 <<EOF
[Unit]
Description=$v_description
Wants=network-online.target
After=network-online.target

[Service]
Type=exec
ExecStart=$*
KillMode=process
Delegate=yes
LimitNOFILE=1048576
Restart=always
RestartSec=5

[Install]
WantedBy=multi-user.target
EOF
  else
    v_command=$1
    shift
    write_file "$R/etc/init.d/$v_name" 0755 <<EOF
#!/sbin/openrc-run
description="$v_description"
supervisor=supervise-daemon
command="$v_command"
command_args="$*"
respawn_delay=5
respawn_max=0
output_log="/var/log/$v_name.log"
error_log="/var/log/$v_name.log"

depend() {
  need net
  want cgroups
  after firewall
}
EOF
  fi
}

# --- Prerequisites ---------------------------------------------------------------------------

check_cgroups() {
  step "checking cgroup controllers"
  if [ -f "$R/sys/fs/cgroup/cgroup.controllers" ]; then
    grep -qw memory "$R/sys/fs/cgroup/cgroup.controllers" ||
      fail "the memory cgroup controller is missing (cgroup v2): cmdline.txt needs cgroup_enable=memory cgroup_memory=1; re-flash the card with Kubeflash"
  elif [ -f "$R/proc/cgroups" ]; then
    awk '$1 == "memory" && $4 == 1 { found = 1 } END { exit !found }' "$R/proc/cgroups" ||
      fail "the memory cgroup controller is missing or disabled (cgroup v1): cmdline.txt needs cgroup_enable=memory cgroup_memory=1"
  else
    fail "no cgroup information (/sys/fs/cgroup/cgroup.controllers or /proc/cgroups): is /sys or /proc mounted?"
  fi
}

swap_off() {
  step "turning swap off"
  quietly swapoff -a
  if [ -f "$R/etc/dphys-swapfile" ] && [ "$KF_INIT_SYSTEM" = systemd ]; then
    quietly systemctl disable --now dphys-swapfile
  fi
  if [ -f "$R/proc/swaps" ] && [ "$(wc -l <"$R/proc/swaps")" -gt 1 ]; then
    fail "swap is still on after swapoff -a: the kubelet refuses to run with swap"
  fi
}

kernel_networking() {
  step "loading br_netfilter and setting sysctls"
  for module in overlay br_netfilter; do
    quietly modprobe "$module" || fail "could not load the $module kernel module"
    if [ "$KF_INIT_SYSTEM" = systemd ]; then
      append_line_once "$R/etc/modules-load.d/kubeflash.conf" "$module"
    else
      append_line_once "$R/etc/modules" "$module"
    fi
  done
  write_file "$R/etc/sysctl.d/90-kubeflash-kubernetes.conf" 0644 <<'EOF'
# Written by Kubeflash: Kubernetes networking needs bridged traffic seen by iptables and forwarding.
net.bridge.bridge-nf-call-iptables = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward = 1
EOF
  quietly sysctl -p "$R/etc/sysctl.d/90-kubeflash-kubernetes.conf" ||
    fail "could not apply the Kubernetes sysctls (bridge-nf-call-iptables, ip_forward)"
}

# --- Downloads -------------------------------------------------------------------------------

http_get() { # url dest
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --connect-timeout 20 --max-time 900 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 60 -O "$2" "$1"
  else
    return 127
  fi
}

# release_download NAME: KF_URL, KF_SUMS_URL and KF_SUMS_ENTRY of NAME for this CPU, from the
# node.env line KF_RELEASE_<ARCH>_<NAME>='URL CHECKSUM-URL [ENTRY]' (the app renders it from the
# pinned versions; ENTRY is absent for a bare checksum file).
release_download() {
  case $(uname -m) in
    aarch64 | arm64) d_arch=ARM64 ;;
    armv6* | armv7* | armhf | arm) d_arch=ARMHF ;;
    *) fail "unsupported CPU architecture $(uname -m): Kubeflash installs arm64 or armhf releases" ;;
  esac
  case $1 in '' | *[!a-z0-9-]*) fail "internal error: bad release name '$1'" ;; esac
  d_var=KF_RELEASE_${d_arch}_$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')
  d_value=
  eval "d_value=\${$d_var:-}"
  case $d_value in
    '') fail "node.env names no $1 download for $d_arch: re-flash this card with Kubeflash" ;;
    *[!A-Za-z0-9:/._%+\ -]*) fail "node.env: $d_var holds unexpected characters" ;;
  esac
  # shellcheck disable=SC2086 # the value is words; node.env's characters hold no glob
  set -- $d_value
  KF_URL=$1 KF_SUMS_URL=${2:-} KF_SUMS_ENTRY=${3:-}
  [ -n "$KF_SUMS_URL" ] || fail "node.env: $d_var has no checksum URL"
}

# The hash for ENTRY in a checksum file: "HASH  NAME" lines, or the bare hash when ENTRY is empty.
expected_sha256() { # sums-file entry
  if [ -z "$2" ]; then
    awk 'NR == 1 { print $1 }' "$1"
  else
    awk -v n="$2" '{ f = $2; sub(/^\*/, "", f); if (f == n) { print $1; exit } }' "$1"
  fi
}

sha256_matches() { # file sums-file entry
  m_expected=$(expected_sha256 "$2" "$3")
  [ "${#m_expected}" -eq 64 ] || return 1
  case $m_expected in *[!0-9a-f]*) return 1 ;; esac
  [ "$(sha256sum "$1" | awk '{ print $1 }')" = "$m_expected" ]
}

download_pair() { # url sums-url file sums-file
  http_get "$1" "$3" && http_get "$2" "$4"
}

# install_release NAME [MEMBER]: the pinned release binary, from the air-gap bundle when the
# card has one (it must list NAME in its SHA256SUMS), else downloaded with the release's
# published checksum file; either way verified with sha256sum before it is installed. With
# MEMBER, NAME is a .tar.gz release archive and MEMBER the binary installed from it.
install_release() {
  i_name=$1
  mkdir -p "$KF_BIN" "$KF_LIB/download" || fail "cannot create $KF_BIN"
  if [ -f "$KF_LIB/airgap/$i_name" ]; then
    step "installing $i_name from the air-gap bundle"
    [ -f "$KF_LIB/airgap/SHA256SUMS" ] ||
      fail "the air-gap bundle has no SHA256SUMS: add one listing $i_name"
    sha256_matches "$KF_LIB/airgap/$i_name" "$KF_LIB/airgap/SHA256SUMS" "$i_name" ||
      fail "$i_name in the air-gap bundle does not match its SHA256SUMS: replace the bundle"
    cp "$KF_LIB/airgap/$i_name" "$KF_BIN/$i_name.kubeflash-new" || fail "cannot copy $i_name"
  else
    release_download "$i_name"
    i_url=$KF_URL i_sums=$KF_SUMS_URL i_entry=$KF_SUMS_ENTRY
    i_file=$KF_LIB/download/$i_name
    step "downloading $i_name (pinned for $KF_DISTRIBUTION $KF_VERSION)"
    retry "downloading $i_name" 6 15 240 download_pair "$i_url" "$i_sums" "$i_file" "$i_file.sums" ||
      fail "could not download $i_url: check the node's internet access, or put an air-gap bundle on the card"
    sha256_matches "$i_file" "$i_file.sums" "$i_entry" ||
      fail "$i_name does not match the release's checksum ($i_sums): download corrupted or tampered; reboot to retry"
    mv -f "$i_file" "$KF_BIN/$i_name.kubeflash-new" && rm -f "$i_file.sums"
  fi
  if [ -n "${2:-}" ]; then
    # A tarball (crictl): its one member binary, unpacked beside it, then moved into place.
    if ! { rm -rf "$KF_LIB/download/unpack" && mkdir -p "$KF_LIB/download/unpack" &&
      tar -xzf "$KF_BIN/$i_name.kubeflash-new" -C "$KF_LIB/download/unpack" "$2" &&
      rm -f "$KF_BIN/$i_name.kubeflash-new" &&
      mv -f "$KF_LIB/download/unpack/$2" "$KF_BIN/$2.kubeflash-new"; }; then
      fail "cannot unpack $2 from the $i_name release archive"
    fi
    i_name=$2
  fi
  if ! { chmod 0755 "$KF_BIN/$i_name.kubeflash-new" && mv -f "$KF_BIN/$i_name.kubeflash-new" "$KF_BIN/$i_name"; }; then
    fail "cannot install $KF_BIN/$i_name"
  fi
  log "installed $i_name (pinned for $KF_DISTRIBUTION $KF_VERSION)"
}

# --- The cluster endpoint ------------------------------------------------------------------

endpoint_url() { printf 'https://%s:%s' "$KF_ENDPOINT_HOST" "$KF_ENDPOINT_PORT"; }

# One probe of the API through the endpoint (VIP or init node), verified with the cluster CA.
endpoint_answers() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 10 --cacert "$R$KF_CA_CERT" -o /dev/null "$(endpoint_url)$KF_HEALTH_PATH" 2>/dev/null
  else
    wget -q -T 10 --no-check-certificate -O /dev/null "$(endpoint_url)$KF_HEALTH_PATH" 2>/dev/null
  fi
}

# --- Rebuild: the cluster still knows this hostname ------------------------------------------
# A re-flashed control plane has the cluster CA keys on its card (kubeadm ca.key, k3s
# client-ca.key, k0s ca.key, and the etcd CA): it mints a one-day admin client certificate
# (group system:masters) and an etcd client certificate with openssl, deletes its stale Node
# object and removes its stale etcd member through the other control planes, then joins fresh.
# Workers carry no CA key and need none: a kubeadm or k0s kubelet re-registers over a NotReady
# Node of its name, and a k3s agent presents the same node password (placed on its card).

KF_REBUILD_DIR=$KF_LIB/rebuild

mint_client_cert() { # ca-cert ca-key out-prefix subject
  mkdir -p "$KF_REBUILD_DIR" && chmod 0700 "$KF_REBUILD_DIR" &&
    quietly openssl req -new -newkey rsa:2048 -nodes -keyout "$3.key" -subj "$4" -out "$3.csr" &&
    quietly openssl x509 -req -in "$3.csr" -CA "$1" -CAkey "$2" -set_serial "$(date +%s)" -days 1 -out "$3.crt"
}

kube_admin() {
  kubectl --server="$(endpoint_url)" --certificate-authority="$R$KF_CA_CERT" \
    --client-certificate="$KF_REBUILD_DIR/admin.crt" --client-key="$KF_REBUILD_DIR/admin.key" \
    --request-timeout=20s "$@"
}

# Ready status of the Node named like this host: True, False, Unknown, or empty when unknown.
known_node_ready() {
  KF_KNOWN_READY=$(kube_admin get node "$KF_HOSTNAME" --ignore-not-found \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>>"$KF_LIB/bootstrap.log")
}

stale_node_gone() {
  known_node_ready || return 1
  [ "$KF_KNOWN_READY" != True ]
}

etcd_member_ids() { # member-list output on stdin; k3s names members <hostname>-<8 hex>
  awk -F', ' -v h="$KF_HOSTNAME" '$3 == h || ($3 ~ /-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]$/ && substr($3, 1, length($3) - 9) == h) { print $1 }'
}

etcd_client() {
  e_endpoints=
  for e_addr in $KF_CONTROL_PLANE_ADDRESSES; do
    [ "$e_addr" = "$KF_ADDRESS" ] && continue
    e_endpoints=$e_endpoints${e_endpoints:+,}https://$e_addr:2379
  done
  [ -n "$e_endpoints" ] || return 1
  ETCDCTL_API=3 etcdctl --endpoints="$e_endpoints" --cacert="$R$KF_ETCD_CA_CERT" \
    --cert="$KF_REBUILD_DIR/etcd.crt" --key="$KF_REBUILD_DIR/etcd.key" --command-timeout=20s "$@"
}

remove_stale_etcd_member() {
  m_list=$(etcd_client member list 2>>"$KF_LIB/bootstrap.log") || return 1
  for m_id in $(printf '%s\n' "$m_list" | etcd_member_ids); do
    step "removing the stale etcd member $m_id"
    quietly etcd_client member remove "$m_id" || return 1
  done
}

# Called once before a control plane's first join: rebuild when the cluster knows this name.
rebuild_if_known() {
  command -v openssl >/dev/null 2>&1 || pkg_install openssl openssl
  mint_client_cert "$R$KF_ADMIN_CA_CERT" "$R$KF_ADMIN_CA_KEY" "$KF_REBUILD_DIR/admin" \
    "/O=system:masters/CN=kubeflash-rebuild" ||
    fail "could not make an admin certificate from the cluster CA on this card"
  retry "the API to list nodes" 10 10 60 known_node_ready ||
    fail "the API answers but listing nodes fails: see $KF_LIB/bootstrap.log"
  if [ -z "$KF_KNOWN_READY" ]; then
    log "the cluster does not know $KF_HOSTNAME yet: a first join"
    return 0
  fi
  if [ "$KF_KNOWN_READY" = True ]; then
    retry "the old $KF_HOSTNAME to go NotReady" 10 30 60 stale_node_gone ||
      fail "a node named $KF_HOSTNAME is Ready in the cluster: another machine uses this hostname; power it off or rename this node, then reboot"
    [ -z "$KF_KNOWN_READY" ] && return 0
  fi
  phase rebuild
  command -v etcdctl >/dev/null 2>&1 || pkg_install etcd-client etcd-ctl
  mint_client_cert "$R$KF_ETCD_CA_CERT" "$R$KF_ETCD_CA_KEY" "$KF_REBUILD_DIR/etcd" "/CN=kubeflash-rebuild" ||
    fail "could not make an etcd client certificate from the etcd CA on this card"
  step "deleting the stale node $KF_HOSTNAME (was Ready=$KF_KNOWN_READY)"
  retry "deleting node $KF_HOSTNAME" 5 10 60 quietly kube_admin delete node "$KF_HOSTNAME" --ignore-not-found ||
    fail "could not delete the stale node $KF_HOSTNAME"
  retry "removing the stale etcd member" 5 10 60 remove_stale_etcd_member ||
    fail "could not remove the stale etcd member of $KF_HOSTNAME: remove it with etcdctl member remove, then reboot"
  rm -rf "$KF_REBUILD_DIR"
  phase join
}
