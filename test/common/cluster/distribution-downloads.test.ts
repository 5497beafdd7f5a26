import { describe, expect, it } from 'vitest';

import {
  addonImages,
  cpuArchitectures,
  defaultVersions,
  distributionDownloads,
  distributionNames,
} from '../../../common/cluster';

describe('distributionDownloads', () => {
  it('names the k3s release assets and checksum files as install.sh reads them', () => {
    expect(distributionDownloads('k3s', 'v1.32.5+k3s1', 'arm64')).toEqual([
      {
        name: 'k3s',
        url: 'https://github.com/k3s-io/k3s/releases/download/v1.32.5%2Bk3s1/k3s-arm64',
        fileName: 'k3s-arm64',
        checksumUrl:
          'https://github.com/k3s-io/k3s/releases/download/v1.32.5%2Bk3s1/sha256sum-arm64.txt',
        checksumFormat: 'sha256sum',
      },
    ]);
    const [armhf] = distributionDownloads('k3s', 'v1.32.5+k3s1', 'armhf');
    expect(armhf!.url).toMatch(/\/k3s-armhf$/);
    expect(armhf!.checksumUrl).toMatch(/\/sha256sum-arm\.txt$/);
  });

  it('takes kubeadm, kubelet and kubectl from dl.k8s.io with their .sha256, plus CNI plugins and crictl', () => {
    const downloads = distributionDownloads('kubeadm', 'v1.32.5', 'armhf');
    expect(downloads.map((d) => d.name)).toEqual([
      'kubeadm',
      'kubelet',
      'kubectl',
      'cni-plugins',
      'crictl',
    ]);
    expect(downloads[0]).toEqual({
      name: 'kubeadm',
      url: 'https://dl.k8s.io/release/v1.32.5/bin/linux/arm/kubeadm',
      fileName: 'kubeadm',
      checksumUrl: 'https://dl.k8s.io/release/v1.32.5/bin/linux/arm/kubeadm.sha256',
      checksumFormat: 'bare',
    });
    expect(downloads[3]!.url).toMatch(/\/cni-plugins-linux-arm-v\d+\.\d+\.\d+\.tgz$/);
    expect(downloads[3]!.checksumUrl).toBe(`${downloads[3]!.url}.sha256`);
  });

  it('names the k0s asset per architecture and its release-wide checksum list', () => {
    const [k0s] = distributionDownloads('k0s', 'v1.32.5+k0s.0', 'arm64');
    expect(k0s).toMatchObject({
      fileName: 'k0s-v1.32.5+k0s.0-arm64',
      url: 'https://github.com/k0sproject/k0s/releases/download/v1.32.5%2Bk0s.0/k0s-v1.32.5%2Bk0s.0-arm64',
      checksumUrl:
        'https://github.com/k0sproject/k0s/releases/download/v1.32.5%2Bk0s.0/sha256sums.txt',
      checksumFormat: 'sha256sum',
    });
  });

  it('covers every distribution × architecture with https URLs, and refuses a foreign version', () => {
    for (const distribution of distributionNames) {
      for (const arch of cpuArchitectures) {
        const downloads = distributionDownloads(distribution, defaultVersions[distribution], arch);
        expect(downloads.length).toBeGreaterThan(0);
        for (const d of downloads) {
          expect(new URL(d.url).protocol).toBe('https:');
          expect(new URL(d.checksumUrl).protocol).toBe('https:');
        }
      }
    }
    expect(() => distributionDownloads('k3s', 'v1.32.5', 'arm64')).toThrow(/not a k3s version/);
  });

  it('pins every add-on image to a version tag', () => {
    for (const image of Object.values(addonImages))
      expect(image).toMatch(/^[a-z0-9.-]+\/[\w./-]+:v\d/);
  });
});
