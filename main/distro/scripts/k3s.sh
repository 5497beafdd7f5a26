#!/bin/sh
# k3s: one binary, its own containerd and iptables. Servers run `k3s server`, workers
# `k3s agent`; both read /etc/rancher/k3s/config.yaml (placed on the card: token file, tls-san,
# node-ip, `cluster-init` on the designated server, `server:` elsewhere). The role flags are
# repeated on the command line so that a re-flashed designated server joins the running cluster
# (`--server` wins over `cluster-init`).
KF_HEALTH_PATH=/ping
KF_TLS=/var/lib/rancher/k3s/server/tls
KF_CA_CERT=$KF_TLS/server-ca.crt
KF_ADMIN_CA_CERT=$KF_TLS/client-ca.crt
KF_ADMIN_CA_KEY=$KF_TLS/client-ca.key
KF_ETCD_CA_CERT=$KF_TLS/etcd/server-ca.crt
KF_ETCD_CA_KEY=$KF_TLS/etcd/server-ca.key

dist_iptables_mode() { log "k3s brings its own iptables and picks the mode itself"; }

dist_before_cluster() { :; }

dist_install() {
  install_release k3s
  # An air-gap bundle may carry the images too; k3s imports them from this folder.
  for k_images in "$KF_LIB"/airgap/k3s-airgap-images-*; do
    [ -f "$k_images" ] || continue
    if ! { mkdir -p "$R/var/lib/rancher/k3s/agent/images" && cp "$k_images" "$R/var/lib/rancher/k3s/agent/images/"; }; then
      fail "cannot copy $k_images"
    fi
  done
}

# k3s applies what is in its manifests folder on servers.
k3s_manifests() { copy_manifests /var/lib/rancher/k3s/server/manifests; }

dist_form() {
  k3s_manifests || return 1
  write_service k3s "Kubeflash k3s server" /usr/local/bin/k3s server --cluster-init &&
    service_enable_start k3s
}

dist_addons() { log "k3s applies the add-on manifests from its manifests folder"; }

dist_join() {
  if is_control_plane; then
    k3s_manifests || return 1
    write_service k3s "Kubeflash k3s server" /usr/local/bin/k3s server --server "$(endpoint_url)" &&
      service_enable_start k3s
  else
    write_service k3s-agent "Kubeflash k3s agent" /usr/local/bin/k3s agent --server "$(endpoint_url)" &&
      service_enable_start k3s-agent
  fi
}
