#!/bin/sh
# kubeadm: containerd from the OS packages, kubeadm/kubelet/kubectl from dl.k8s.io and crictl
# from its GitHub release (each checked against its published .sha256 file). The designated
# control plane runs `kubeadm init` with /etc/kubeflash/kubeadm/init.yaml, the others `kubeadm
# join` with join.yaml (control-plane joins use the shared certificates already on their cards;
# the designated node's card has a join.yaml too, for a re-flash into a running cluster). The VIP comes from keepalived + haproxy
# (configs on the card, packages installed here) or from a kube-vip static pod on the card.
KF_HEALTH_PATH=/readyz
KF_CA_CERT=/etc/kubernetes/pki/ca.crt
KF_ADMIN_CA_CERT=/etc/kubernetes/pki/ca.crt
KF_ADMIN_CA_KEY=/etc/kubernetes/pki/ca.key
KF_ETCD_CA_CERT=/etc/kubernetes/pki/etcd/ca.crt
KF_ETCD_CA_KEY=/etc/kubernetes/pki/etcd/ca.key
# The kubelet's cgroup driver follows the init system (systemd, or cgroupfs under OpenRC): the
# card carries a configuration set for each (main/distro/config/paths.ts).
kubeadm_dir() {
  if [ "$KF_INIT_SYSTEM" = systemd ]; then
    printf '%s' "$KF_ETC/kubeadm"
  else
    printf '%s' "$KF_ETC/kubeadm/openrc"
  fi
}

# kube-proxy and flannel cope with either backend where the alternatives system offers both;
# the legacy one avoids the nft bugs of older Debian iptables (HypriotOS).
dist_iptables_mode() {
  if command -v update-alternatives >/dev/null 2>&1 && [ -x "$R/usr/sbin/iptables-legacy" ]; then
    step "switching iptables to the legacy backend"
    if ! { quietly update-alternatives --set iptables /usr/sbin/iptables-legacy &&
      quietly update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy; }; then
      fail "could not switch iptables to the legacy backend"
    fi
  else
    log "iptables: keeping the OS default backend"
  fi
}

dist_install() {
  pkg_install "containerd containernetworking-plugins conntrack socat ethtool iptables" \
    "containerd cni-plugins conntrack-tools socat ethtool iptables"
  # containerd looks for CNI plugins in /opt/cni/bin; the OS packages put them elsewhere.
  if [ ! -e "$R/opt/cni/bin" ]; then
    for k_cni in /usr/lib/cni /usr/libexec/cni; do
      [ -d "$R$k_cni" ] || continue
      mkdir -p "$R/opt/cni" && ln -s "$k_cni" "$R/opt/cni/bin" && break
    done
  fi
  for k_binary in kubeadm kubelet kubectl; do install_release "$k_binary"; done
  # kubeadm's preflight requires crictl; the distributions package it unevenly.
  install_release crictl crictl
  containerd_cgroup_driver
  kubelet_service
  service_enable_start containerd || fail "could not start containerd"
  service_enable_start kubelet || fail "could not enable the kubelet"
}

# Under systemd the kubelet uses the systemd cgroup driver, and containerd must match it; its
# packaged default (no config file) is cgroupfs, which OpenRC nodes keep.
containerd_cgroup_driver() {
  [ "$KF_INIT_SYSTEM" = systemd ] || return 0
  c_config=$R/etc/containerd/config.toml
  grep -q 'SystemdCgroup = true' "$c_config" 2>/dev/null && return 0
  containerd config default 2>>"$KF_LIB/bootstrap.log" | sed 's/SystemdCgroup = false/SystemdCgroup = true/' |
    write_file "$c_config" 0644 || fail "could not write $c_config"
  grep -q 'SystemdCgroup = true' "$c_config" ||
    fail "containerd's default configuration has no SystemdCgroup setting: this containerd is too old"
}

# The kubelet as kubeadm expects it: its flags come from files kubeadm writes at init/join.
kubelet_service() {
  if [ "$KF_INIT_SYSTEM" = systemd ]; then
    write_file "$R/etc/systemd/system/kubelet.service" 0644 <<'UNIT'
[Unit]
Description=kubelet (Kubeflash, kubeadm)
Wants=network-online.target containerd.service
After=network-online.target containerd.service

[Service]
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
ExecStart=/usr/local/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS
Restart=always
RestartSec=10

[Install]
WantedBy=multi-user.target
UNIT
  else
    write_file "$R/etc/init.d/kubelet" 0755 <<'RC'
#!/sbin/openrc-run
description="kubelet (Kubeflash, kubeadm)"
supervisor=supervise-daemon
command=/usr/local/bin/kubelet
respawn_delay=10
respawn_max=0
output_log=/var/log/kubelet.log
error_log=/var/log/kubelet.log

depend() {
  need net containerd
}

start_pre() {
  KUBELET_KUBEADM_ARGS=
  # shellcheck source=/dev/null # written by kubeadm init or join
  [ -f /var/lib/kubelet/kubeadm-flags.env ] && . /var/lib/kubelet/kubeadm-flags.env
  command_args="--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml $KUBELET_KUBEADM_ARGS"
}
RC
  fi
}

# keepalived (VRRP for the VIP) and haproxy (the VIP's port to every API server) run before
# init or join so the endpoint exists; their configs are on control-plane cards.
dist_before_cluster() {
  is_control_plane && [ "${KF_VIP_PROVIDER:-}" = keepalived-haproxy ] || return 0
  step_done vip-services && return 0
  pkg_install "keepalived haproxy" "keepalived haproxy"
  if ! { service_enable_start haproxy && service_enable_start keepalived; }; then
    fail "could not start haproxy and keepalived for the virtual IP: see $KF_LIB/bootstrap.log"
  fi
  mark_step vip-services
}

# Preflight checks the card's own files trip on purpose: a kube-vip static pod makes the
# manifests folder non-empty; a worker's card carries the CA certificate (its endpoint probe
# verifies the API with it) where kubeadm join expects none.
preflight_flags() {
  p_ignore=
  [ -f "$R/etc/kubernetes/manifests/kube-vip.yaml" ] && p_ignore=DirAvailable--etc-kubernetes-manifests
  is_control_plane || p_ignore=${p_ignore:+$p_ignore,}FileAvailable--etc-kubernetes-pki-ca.crt
  [ -z "$p_ignore" ] || printf '%s' "--ignore-preflight-errors=$p_ignore"
}

# A failed init or join leaves files behind that the next attempt refuses: reset first.
reset_after_attempt() { # marker
  if step_done "$1"; then
    quietly kubeadm reset -f
  fi
  mark_step "$1"
}

dist_form() {
  reset_after_attempt kubeadm-init-attempt
  # shellcheck disable=SC2046 # an optional flag
  quietly kubeadm init --config="$(kubeadm_dir)/init.yaml" $(preflight_flags)
}

apply_manifests() {
  for k_manifest in "$KF_ETC"/manifests/*.yaml; do
    [ -f "$k_manifest" ] || continue
    quietly kubectl --kubeconfig="$R/etc/kubernetes/admin.conf" apply -f "$k_manifest" || return 1
  done
}

# Add-ons (flannel, MetalLB, NFS provisioner, dashboard), in file-name order, once.
dist_addons() {
  step "applying the add-on manifests"
  retry "the add-on manifests to apply" 10 10 60 apply_manifests
}

# Every node's card has a join configuration (the designated control plane's too, for a
# re-flash into a running cluster): the token stays in the file, off the command line.
# The designated node's kube-vip pod reads super-admin.conf, which only `kubeadm init` writes;
# re-flashed into a running cluster it joins, and a joined control plane has admin.conf (the
# kubelet would otherwise make an empty folder of the missing hostPath).
kube_vip_for_join() {
  k_pod=$R/etc/kubernetes/manifests/kube-vip.yaml
  [ -f "$k_pod" ] && grep -q /etc/kubernetes/super-admin.conf "$k_pod" || return 0
  sed 's#/etc/kubernetes/super-admin\.conf#/etc/kubernetes/admin.conf#' "$k_pod" |
    write_file "$k_pod" 0644
}

dist_join() {
  reset_after_attempt kubeadm-join-attempt
  kube_vip_for_join || return 1
  [ -f "$(kubeadm_dir)/join.yaml" ] ||
    fail "$(kubeadm_dir)/join.yaml is missing: re-flash this card with Kubeflash"
  # shellcheck disable=SC2046 # an optional flag
  quietly kubeadm join --config="$(kubeadm_dir)/join.yaml" $(preflight_flags)
}
