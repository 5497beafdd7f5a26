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

/**
 * Add-on releases and their images, pinned here so that every card of a cluster runs the same
 * ones. The manifests in main/distro/addons are written for exactly these releases.
 * kubernetes-dashboard stays on v2.7.0: it is the last release published as plain manifests
 * (v3+ ships as a Helm chart with Kong); it runs on Kubernetes 1.32.
 */
export const addonVersions = {
  kubeVip: 'v0.8.9',
  flannel: 'v0.26.4',
  flannelCniPlugin: 'v1.6.2-flannel1',
  metallb: 'v0.14.9',
  nfsSubdirExternalProvisioner: 'v4.0.2',
  kubernetesDashboard: 'v2.7.0',
  dashboardMetricsScraper: 'v1.0.8',
} as const;

export const addonImages = {
  kubeVip: `ghcr.io/kube-vip/kube-vip:${addonVersions.kubeVip}`,
  flannel: `ghcr.io/flannel-io/flannel:${addonVersions.flannel}`,
  flannelCniPlugin: `ghcr.io/flannel-io/flannel-cni-plugin:${addonVersions.flannelCniPlugin}`,
  metallbController: `quay.io/metallb/controller:${addonVersions.metallb}`,
  metallbSpeaker: `quay.io/metallb/speaker:${addonVersions.metallb}`,
  nfsSubdirExternalProvisioner: `registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:${addonVersions.nfsSubdirExternalProvisioner}`,
  kubernetesDashboard: `docker.io/kubernetesui/dashboard:${addonVersions.kubernetesDashboard}`,
  dashboardMetricsScraper: `docker.io/kubernetesui/metrics-scraper:${addonVersions.dashboardMetricsScraper}`,
} as const;

/**
 * Tools kubeadm needs besides its own binaries: the CNI reference plugins (flannel delegates to
 * bridge, portmap, loopback) and crictl (kubeadm's preflight requires it).
 */
export const kubeadmToolVersions = { cniPlugins: 'v1.6.2', criTools: 'v1.32.0' } as const;

/** Raspberry Pi CPU architectures, named as Debian and Alpine name them. */
export const cpuArchitectures = ['arm64', 'armhf'] as const;
export type CpuArchitecture = (typeof cpuArchitectures)[number];

/**
 * How a published checksum file is read: `sha256sum` lists "<hash>  <file name>" lines (look up
 * `fileName`), `bare` holds the hash of the one file alone.
 */
export type ChecksumFormat = 'sha256sum' | 'bare';

/** One file the bootstrap downloads, with where its published SHA-256 comes from. */
export interface ReleaseDownload {
  /** What it is: k3s, kubeadm, kubelet, kubectl, k0s, cni-plugins, crictl. */
  name: string;
  url: string;
  /** The file name as the release publishes it (the key in a `sha256sum` checksum file). */
  fileName: string;
  checksumUrl: string;
  checksumFormat: ChecksumFormat;
}

/** GitHub release asset URL; "+" in versions (v1.32.5+k3s1) is percent-encoded. */
const github = (repo: string, tag: string, file: string) =>
  `https://github.com/${repo}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(file)}`;

/** Each project's name for the architecture in its release file names. */
const archNames: Record<string, Record<CpuArchitecture, string>> = {
  k3sBinary: { arm64: 'k3s-arm64', armhf: 'k3s-armhf' },
  k3sChecksums: { arm64: 'sha256sum-arm64.txt', armhf: 'sha256sum-arm.txt' },
  go: { arm64: 'arm64', armhf: 'arm' },
};

/**
 * The downloads a node of `distribution` at `version` needs on `arch`, each checked against
 * the checksum file its project publishes beside it:
 * - k3s: GitHub release `k3s-arm64` / `k3s-armhf`, checksums `sha256sum-arm64.txt` /
 *   `sha256sum-arm.txt` (as k3s's install.sh reads them);
 * - kubeadm: kubeadm, kubelet and kubectl from dl.k8s.io with a bare `.sha256` beside each, plus
 *   the CNI plugins and crictl tarballs with theirs;
 * - k0s: GitHub release `k0s-<version>-<arch>`, checksums in the release's `sha256sums.txt`.
 */
export function distributionDownloads(
  distribution: DistributionName,
  version: string,
  arch: CpuArchitecture,
): ReleaseDownload[] {
  if (!versionPatterns[distribution].test(version)) {
    throw new Error(
      `"${version}" is not a ${distribution} version (like ${defaultVersions[distribution]})`,
    );
  }
  const goArch = archNames.go![arch];
  switch (distribution) {
    case 'k3s': {
      const fileName = archNames.k3sBinary![arch];
      return [
        {
          name: 'k3s',
          url: github('k3s-io/k3s', version, fileName),
          fileName,
          checksumUrl: github('k3s-io/k3s', version, archNames.k3sChecksums![arch]),
          checksumFormat: 'sha256sum',
        },
      ];
    }
    case 'kubeadm': {
      const binaries = ['kubeadm', 'kubelet', 'kubectl'].map((name) => {
        const url = `https://dl.k8s.io/release/${version}/bin/linux/${goArch}/${name}`;
        return {
          name,
          url,
          fileName: name,
          checksumUrl: `${url}.sha256`,
          checksumFormat: 'bare' as const,
        };
      });
      const cni = kubeadmToolVersions.cniPlugins;
      const cniFile = `cni-plugins-linux-${goArch}-${cni}.tgz`;
      const crictl = kubeadmToolVersions.criTools;
      const crictlFile = `crictl-${crictl}-linux-${goArch}.tar.gz`;
      return [
        ...binaries,
        {
          name: 'cni-plugins',
          url: github('containernetworking/plugins', cni, cniFile),
          fileName: cniFile,
          checksumUrl: github('containernetworking/plugins', cni, `${cniFile}.sha256`),
          checksumFormat: 'sha256sum',
        },
        {
          name: 'crictl',
          url: github('kubernetes-sigs/cri-tools', crictl, crictlFile),
          fileName: crictlFile,
          checksumUrl: github('kubernetes-sigs/cri-tools', crictl, `${crictlFile}.sha256`),
          checksumFormat: 'bare',
        },
      ];
    }
    case 'k0s': {
      const fileName = `k0s-${version}-${goArch}`;
      return [
        {
          name: 'k0s',
          url: github('k0sproject/k0s', version, fileName),
          fileName,
          checksumUrl: github('k0sproject/k0s', version, 'sha256sums.txt'),
          checksumFormat: 'sha256sum',
        },
      ];
    }
  }
}
