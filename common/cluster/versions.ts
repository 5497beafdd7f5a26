/**
 * Kubernetes distribution versions, pinned in one place. A cluster file names its version
 * explicitly; these are what `kubeflash init` writes and what the UI proposes.
 */
export const distributionNames = ['k3s', 'kubeadm', 'k0s'] as const;
export type DistributionName = (typeof distributionNames)[number];

export const defaultVersions: Record<DistributionName, string> = {
  k3s: 'v1.32.5+k3s1',
  kubeadm: 'v1.32.5',
  k0s: 'v1.32.5+k0s.0',
};

/** The version syntax each distribution publishes releases under. */
export const versionPatterns: Record<DistributionName, RegExp> = {
  k3s: /^v1\.\d+\.\d+\+k3s\d+$/,
  kubeadm: /^v1\.\d+\.\d+$/,
  k0s: /^v1\.\d+\.\d+\+k0s\.\d+$/,
};

/** Where the virtual IP comes from and which CNI runs, per distribution (see DESIGN.md). */
export const distributionDefaults = {
  k3s: { vipProvider: 'kube-vip', cni: 'flannel' },
  kubeadm: { vipProvider: 'keepalived-haproxy', cni: 'flannel' },
  k0s: { vipProvider: 'k0s-cplb', cni: 'kube-router' },
} as const;

export const allowedVipProviders: Record<DistributionName, readonly string[]> = {
  k3s: ['kube-vip'],
  kubeadm: ['keepalived-haproxy', 'kube-vip'],
  k0s: ['k0s-cplb'],
};

export const allowedCnis: Record<DistributionName, readonly string[]> = {
  k3s: ['flannel'],
  kubeadm: ['flannel'],
  k0s: ['kube-router'],
};

export const defaultPodCidr: Record<DistributionName, string> = {
  k3s: '10.42.0.0/16',
  kubeadm: '10.244.0.0/16',
  k0s: '10.244.0.0/16',
};

export const defaultServiceCidr: Record<DistributionName, string> = {
  k3s: '10.43.0.0/16',
  kubeadm: '10.96.0.0/12',
  k0s: '10.96.0.0/12',
};
