#!/bin/sh
# Stubbed system commands for the bootstrap simulation (test/support/shell-sandbox.ts). One
# script, linked under every stubbed name: it records each call in $KF_SIM/calls.log (fake clock,
# node, command line) and answers from the shared "cluster" state in $KF_SIM/cluster:
#   api-up-at  the fake clock from which the API answers (absent: it never does)
#   nodes      "name Ready-status" lines;  members  "id, started, name, peer, client, false"
#   events     init / join / delete / member-remove / apply lines, in order
# Nothing here touches the network or the real system.
set -u
SIM=$KF_SIM
NODE=$KF_SIM_NODE
NAME=${0##*/}
CLUSTER=$SIM/cluster

read -r NOW <"$SIM/clock"
record() { printf '%s\t%s\t%s\n' "$NOW" "$NODE" "$*" >>"$SIM/calls.log"; }
event() { printf '%s %s\n' "$NODE" "$*" >>"$CLUSTER/events"; }
api_up() {
  [ -f "$CLUSTER/api-up-at" ] || return 1
  read -r up <"$CLUSTER/api-up-at"
  [ "$NOW" -ge "$up" ]
}

# Ready in the node list, replacing an old entry of the same name.
register() { # name
  grep -v "^$1 " "$CLUSTER/nodes" >"$CLUSTER/nodes.new" 2>/dev/null
  printf '%s True\n' "$1" >>"$CLUSTER/nodes.new"
  mv "$CLUSTER/nodes.new" "$CLUSTER/nodes"
}

add_member() { # name
  m_id=$(printf '%s %s' "$1" "$(wc -l <"$CLUSTER/events")" | sha256sum | cut -c1-16)
  printf '%s, started, %s, https://%s:2380, https://%s:2379, false\n' "$m_id" "$1" "$NODE" "$NODE" >>"$CLUSTER/members"
}

member_name() { # k3s names members <hostname>-<8 hex>
  if [ "$KF_SIM_DISTRIBUTION" = k3s ]; then
    printf '%s-%s' "$NODE" "$(printf '%s' "$NODE" | sha256sum | cut -c1-8)"
  else
    printf '%s' "$NODE"
  fi
}

cluster_init() {
  event init
  [ -f "$CLUSTER/api-up-at" ] || echo "$NOW" >"$CLUSTER/api-up-at"
  register "$NODE"
  add_member "$(member_name)"
}

cluster_join() { # control-plane|worker
  api_up || {
    echo "sim: connection refused: the API is not up" >&2
    exit 1
  }
  event "join $1"
  register "$NODE"
  [ "$1" = control-plane ] && add_member "$(member_name)"
  return 0
}

# A service start does what the service's command line (written by the script) says.
service_start() { # name
  case $1 in
    k3s | k3s-agent) ;;
    *) return 0 ;;
  esac
  root=$KF_ROOT
  if [ -f "$root/etc/systemd/system/$1.service" ]; then
    line=$(sed -n 's/^ExecStart=//p' "$root/etc/systemd/system/$1.service")
  else
    line=$(sed -n 's/^command_args="\(.*\)"$/\1/p' "$root/etc/init.d/$1")
  fi
  case " $line " in
    *" server --cluster-init "*) cluster_init ;;
    *" server --server "*) cluster_join control-plane ;;
    *" agent --server "*) cluster_join worker ;;
    *) echo "sim: unexpected k3s service line: $line" >&2 && exit 1 ;;
  esac
}

# Seconds since the epoch as ISO 8601 UTC, in arithmetic (days to civil date, H. Hinnant):
# the scripts ask for the time hundreds of times, an exec of date each would dominate the run.
iso_time() { # seconds
  d=$(($1 / 86400)) r=$(($1 % 86400))
  z=$((d + 719468))
  era=$((z / 146097))
  doe=$((z - era * 146097))
  yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
  doy=$((doe - (365 * yoe + yoe / 4 - yoe / 100)))
  mp=$(((5 * doy + 2) / 153))
  day=$((doy - (153 * mp + 2) / 5 + 1))
  month=$((mp < 10 ? mp + 3 : mp - 9))
  year=$((yoe + era * 400 + (month <= 2)))
  printf '%04d-%02d-%02dT%02d:%02d:%02dZ\n' "$year" "$month" "$day" $((r / 3600)) $((r % 3600 / 60)) $((r % 60))
}

# The first non-option words of the command line.
words() {
  for w in "$@"; do
    case $w in -*) ;; *) printf '%s\n' "$w" ;; esac
  done
}

[ "$NAME" = date ] || record "$NAME $*"
case $NAME in
  logger | modprobe | sysctl | swapoff | update-alternatives | rc-update | apt-get | apk)
    [ -e "$SIM/fail-$NAME" ] && exit 1
    exit 0
    ;;
  date)
    fmt=
    for a in "$@"; do case $a in +*) fmt=$a ;; esac; done
    case $fmt in
      +%s) echo "$NOW" ;;
      +%Y-%m-%dT%H:%M:%SZ) iso_time "$NOW" ;;
      *) exec /bin/date -u -d "@$NOW" "${fmt:-+%a %b %e %H:%M:%S UTC %Y}" ;;
    esac
    ;;
  sleep)
    if [ -n "${KF_SIM_YIELD:-}" ]; then
      # Scheduled: hand control back to the harness, which resumes this node at its wake time.
      {
        printf '%s %s\n' "$NODE" "$((NOW + $1))" >>"$KF_SIM_YIELD"
        read -r _
      } <>"$SIM/nodes/$NODE/go"
    else
      echo $((NOW + $1)) >"$SIM/clock"
    fi
    ;;
  uname)
    [ "${1:-}" = -m ] && echo aarch64 && exit 0
    exec /bin/uname "$@"
    ;;
  ip)
    [ -e "$SIM/nodes/$NODE/no-route" ] || echo "default via 198.18.0.1 dev eth0"
    ;;
  timedatectl)
    [ -e "$SIM/ntp-synced" ] && echo yes || echo no
    ;;
  chronyc)
    if [ -e "$SIM/ntp-synced" ]; then echo 'Leap status     : Normal'; else echo 'Leap status     : Not synchronised'; fi
    ;;
  systemctl)
    case ${1:-} in start | restart) service_start "$2" ;; esac
    ;;
  rc-service)
    case ${2:-} in start | restart) service_start "$1" ;; esac
    ;;
  curl | wget)
    out='' url=''
    prev=
    for a in "$@"; do
      case $prev in -o | -O) out=$a ;; esac
      case $a in https://*) url=$a ;; esac
      prev=$a
    done
    case $url in
      */ping | */readyz) api_up || exit 7 ;;
      *)
        # Served at release/<host>/<path> (no fork to find it); 22 is curl's HTTP error.
        file=$SIM/release/${url#https://}
        case $url in *..*) exit 22 ;; esac
        [ -f "$file" ] || exit 22
        cp "$file" "$out"
        ;;
    esac
    ;;
  openssl)
    prev='' wrote=''
    for a in "$@"; do
      case $prev in -out | -keyout) echo "sim $NAME output" >"$a" && wrote=yes ;; esac
      prev=$a
    done
    [ -n "$wrote" ] || echo "sim openssl output"
    ;;
  kubectl)
    api_up || {
      echo "sim: connection refused" >&2
      exit 1
    }
    set -- $(words "$@")
    case "${1:-} ${2:-}" in
      "get node") awk -v n="$3" '$1 == n { printf "%s", $2 }' "$CLUSTER/nodes" ;;
      "delete node")
        event "delete node $3"
        grep -v "^$3 " "$CLUSTER/nodes" >"$CLUSTER/nodes.new"
        mv "$CLUSTER/nodes.new" "$CLUSTER/nodes"
        ;;
      "apply "*)
        for a in "$@"; do case $a in *.yaml) event "apply ${a##*/}" ;; esac; done
        ;;
    esac
    ;;
  etcdctl)
    api_up || exit 1
    set -- $(words "$@")
    case "${1:-} ${2:-}" in
      "member list") cat "$CLUSTER/members" ;;
      "member remove")
        event "member-remove $3"
        grep -v "^$3, " "$CLUSTER/members" >"$CLUSTER/members.new"
        mv "$CLUSTER/members.new" "$CLUSTER/members"
        ;;
    esac
    ;;
  kubeadm)
    for a in "$@"; do
      case $a in --config=*) [ -f "${a#--config=}" ] || {
        echo "sim: kubeadm: no such file ${a#--config=}" >&2
        exit 1
      } ;;
      esac
    done
    case ${1:-} in
      init) cluster_init ;;
      join)
        role=worker
        case " $* " in *" --control-plane "*) role=control-plane ;; esac
        for a in "$@"; do
          case $a in --config=*) grep -q '^controlPlane:' "${a#--config=}" && role=control-plane ;; esac
        done
        cluster_join "$role"
        ;;
    esac
    ;;
  k0s)
    case ${1:-} in
      install)
        prev=
        for a in "$@"; do
          case $prev in --token-file) [ -s "$a" ] || {
            echo "sim: k0s: no token in $a" >&2
            exit 1
          } ;;
          esac
          prev=$a
        done
        printf '%s\n' "$*" >"$SIM/nodes/$NODE/k0s-install"
        ;;
      start)
        line=$(cat "$SIM/nodes/$NODE/k0s-install")
        case "$line" in
          "install controller"*--token-file*) cluster_join control-plane ;;
          "install worker"*) cluster_join worker ;;
          "install controller"*) cluster_init ;;
          *) echo "sim: unexpected k0s install: $line" >&2 && exit 1 ;;
        esac
        ;;
    esac
    ;;
  containerd)
    # `containerd config default`: the part of the packaged default the script edits.
    [ "${1:-}" = config ] && printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = false\n'
    ;;
  k3s) ;;
  *)
    echo "sim: no stub for $NAME" >&2
    exit 127
    ;;
esac
exit 0
