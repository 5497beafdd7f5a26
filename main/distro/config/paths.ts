/**
 * Where each distribution's configuration lands on a node. The bootstrap scripts
 * (main/distro/scripts) rely on exactly these paths.
 */
export const distroPaths = {
  /** Add-on manifests `<NN>-<name>.yaml`, applied in name order (control planes only). */
  manifests: '/etc/kubeflash/manifests',
  k3sConfig: '/etc/rancher/k3s/config.yaml',
  /**
   * kubeadm on systemd: the init node's InitConfiguration; every node's JoinConfiguration (the
   * init node's for a re-flash into a running cluster).
   */
  kubeadmInit: '/etc/kubeflash/kubeadm/init.yaml',
  kubeadmJoin: '/etc/kubeflash/kubeadm/join.yaml',
  /** The same for OpenRC (Alpine): the kubelet uses the cgroupfs driver there. */
  kubeadmInitOpenrc: '/etc/kubeflash/kubeadm/openrc/init.yaml',
  kubeadmJoinOpenrc: '/etc/kubeflash/kubeadm/openrc/join.yaml',
  /** kubeadm patch folders named in the configs above (the kubelet's cgroup driver). */
  kubeadmPatches: '/etc/kubeflash/kubeadm/patches',
  kubeadmPatchesOpenrc: '/etc/kubeflash/kubeadm/openrc/patches',
  keepalivedConfig: '/etc/keepalived/keepalived.conf',
  keepalivedCheck: '/etc/keepalived/check-apiserver.sh',
  haproxyConfig: '/etc/haproxy/haproxy.cfg',
  kubeVipStaticPod: '/etc/kubernetes/manifests/kube-vip.yaml',
  k0sConfig: '/etc/k0s/k0s.yaml',
  k0sWorkerToken: '/etc/kubeflash/k0s/worker-token',
  k0sControllerToken: '/etc/kubeflash/k0s/controller-token',
} as const;
