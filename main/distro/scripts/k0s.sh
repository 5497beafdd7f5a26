#!/bin/sh
# k0s: one binary; `k0s install` writes its own service (systemd or OpenRC). The designated
# controller initialises as controller+worker from /etc/k0s/k0s.yaml; other controllers and the
# workers join with the pre-shared join tokens on their cards (/etc/kubeflash/k0s/*-token).
KF_HEALTH_PATH=/readyz
KF_PKI=/var/lib/k0s/pki
KF_CA_CERT=$KF_PKI/ca.crt
KF_ADMIN_CA_CERT=$KF_PKI/ca.crt
KF_ADMIN_CA_KEY=$KF_PKI/ca.key
KF_ETCD_CA_CERT=$KF_PKI/etcd/ca.crt
KF_ETCD_CA_KEY=$KF_PKI/etcd/ca.key
KF_K0S_CONFIG=/etc/k0s/k0s.yaml

dist_iptables_mode() { log "k0s brings its own iptables and picks the mode itself"; }

dist_before_cluster() { :; }

dist_install() { install_release k0s; }

# k0s applies its manifests folder on controllers.
k0s_manifests() { copy_manifests /var/lib/k0s/manifests/kubeflash; }

# k0s install refuses to run twice: a marker remembers it ran (a retry only starts again).
k0s_install_once() { # role args...
  if ! step_done k0s-installed; then
    quietly k0s install "$@" || return 1
    mark_step k0s-installed
  fi
  quietly k0s start
}

dist_form() {
  k0s_manifests || return 1
  k0s_install_once controller --enable-worker -c "$R$KF_K0S_CONFIG"
}

dist_addons() { log "k0s applies the add-on manifests from its manifests folder"; }

dist_join() {
  if is_control_plane; then
    k0s_manifests || return 1
    k0s_install_once controller --enable-worker -c "$R$KF_K0S_CONFIG" \
      --token-file "$KF_ETC/k0s/controller-token"
  else
    k0s_install_once worker --token-file "$KF_ETC/k0s/worker-token"
  fi
}
