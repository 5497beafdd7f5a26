#!/bin/sh
# The distribution phases, after the entry script's network and time phases: prerequisites,
# install, then init on the designated node or join everywhere else (with a rebuild first when
# the cluster still knows this hostname). Each completed step leaves a marker: a reboot resumes.
# The distribution part above defines: KF_HEALTH_PATH, KF_CA_CERT, KF_ADMIN_CA_CERT/KEY,
# KF_ETCD_CA_CERT/KEY, dist_iptables_mode, dist_install, dist_before_cluster (run once before
# init or join), dist_form, dist_addons, dist_join.

# The joiners' patience: about two hours of probes (10 s doubling to 60 s between them).
KF_JOIN_TRIES=130

is_designated_init() {
  # kubeflash:begin designated-init
  [ "$KF_INIT" = yes ] && is_control_plane || return 1
  # kubeflash:end designated-init
  return 0
}

prerequisites() {
  phase prerequisites
  step_done prerequisites && return 0
  check_cgroups
  swap_off
  kernel_networking
  dist_iptables_mode
  mark_step prerequisites
}

install() {
  phase install
  step_done install && return 0
  dist_install
  mark_step install
}

form_cluster() {
  phase init
  mark_step init-started
  if ! step_done formed; then
    dist_before_cluster
    step "initialising the cluster ($KF_DISTRIBUTION $KF_VERSION)"
    retry "initialising the cluster" 3 30 60 dist_form ||
      fail "initialising the cluster failed: see $KF_LIB/bootstrap.log"
    mark_step formed
  fi
  if ! step_done addons; then
    dist_addons || fail "applying the add-on manifests failed: see $KF_LIB/bootstrap.log"
    mark_step addons
  fi
  mark_step cluster
}

join_once() {
  endpoint_answers || return 1
  dist_join
}

join_cluster() {
  phase join
  tries=1
  # kubeflash:begin join-retry
  tries=$KF_JOIN_TRIES
  # kubeflash:end join-retry
  step "waiting for the API at $(endpoint_url)"
  retry "the API at $(endpoint_url)" "$tries" 10 60 endpoint_answers ||
    fail "the API at $(endpoint_url) never answered: is the designated init node powered on and on this network?"
  if is_control_plane && ! step_done join-started; then
    rebuild_if_known
  fi
  rm -rf "$KF_REBUILD_DIR"
  mark_step join-started
  dist_before_cluster
  step "joining the cluster as $KF_ROLE"
  retry "joining the cluster" 8 15 240 join_once ||
    fail "joining the cluster failed: see $KF_LIB/bootstrap.log"
  mark_step cluster
}

mkdir -p "$KF_LIB" "$KF_STEPS"
load_node_env
detect_os
prerequisites
install
if step_done cluster; then
  log "$KF_HOSTNAME is already part of the cluster"
elif is_designated_init && { step_done init-started || ! endpoint_answers; }; then
  form_cluster
else
  join_cluster
fi
log "distribution $KF_DISTRIBUTION finished on $KF_HOSTNAME"
