// Add-on manifests: plain TypeScript data rendered with `yaml`, images pinned in
// common/cluster/versions.ts. Which ones a cluster gets is decided in addonManifests().
import type { Cluster } from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { dashboardManifest } from './dashboard';
import { flannelManifest } from './flannel';
import { kubeVipDaemonSet } from './kube-vip';
import type { AddonManifest } from './manifest';
import { metallbManifest, metallbPoolManifest } from './metallb';
import { nfsProvisionerManifest } from './nfs-provisioner';

export { dashboardManifest } from './dashboard';
export { flannelManifest, type FlannelOptions } from './flannel';
export {
  KUBE_VIP_STATIC_POD_PATH,
  kubeVipDaemonSet,
  type KubeVipOptions,
  kubeVipStaticPod,
} from './kube-vip';
export { type AddonManifest, type KubeObject, renderManifest } from './manifest';
export { METALLB_POOL_NAME, metallbManifest, metallbPoolManifest } from './metallb';
export {
  NFS_PROVISIONER_NAME,
  nfsProvisionerManifest,
  type NfsProvisionerOptions,
} from './nfs-provisioner';

/**
 * The add-on manifests a cluster's control planes carry, to /etc/kubeflash/manifests/. The
 * two-digit prefix is the apply order: the VIP (10), the CNI (20), MetalLB and then its pool
 * (30, 31: the pool needs MetalLB's CRDs), storage (40), the dashboard (50).
 * kubeadm's kube-vip is a static pod, not a manifest here; k3s has flannel built in and k0s
 * runs kube-router itself.
 */
export function addonManifests(cluster: Cluster): AddonManifest[] {
  const { spec } = cluster;
  const { network, addons } = spec;
  const distribution = spec.distribution.name;
  const vip = spec.controlPlane.virtualIP;
  const manifests: AddonManifest[] = [];
  if (distribution === 'k3s' && vip?.provider === 'kube-vip') {
    manifests.push({
      fileName: '10-kube-vip.yaml',
      objects: kubeVipDaemonSet({
        address: vip.address,
        port: spec.controlPlane.port,
        interface: network.interface,
      }),
    });
  }
  if (distribution === 'kubeadm' && network.cni === 'flannel') {
    manifests.push({
      fileName: '20-flannel.yaml',
      objects: flannelManifest({
        podCidr: network.podCIDR,
        backend: network.flannelBackend,
        interface: network.interface,
      }),
    });
  }
  if (addons.metallb.enabled) {
    if (!addons.metallb.addresses) {
      throw new KubeflashError(
        'invalid-request',
        'MetalLB is enabled without an address pool: set spec.addons.metallb.addresses (a range or CIDR)',
        'spec.addons.metallb.addresses',
      );
    }
    manifests.push({ fileName: '30-metallb.yaml', objects: metallbManifest() });
    manifests.push({
      fileName: '31-metallb-pool.yaml',
      objects: metallbPoolManifest(addons.metallb.addresses),
    });
  }
  if (addons.nfs.enabled) {
    const { server, path, storageClass } = addons.nfs;
    if (!server || !path) {
      throw new KubeflashError(
        'invalid-request',
        'The NFS provisioner is enabled without a server and export path: set spec.addons.nfs.server and spec.addons.nfs.path',
        !server ? 'spec.addons.nfs.server' : 'spec.addons.nfs.path',
      );
    }
    manifests.push({
      fileName: '40-nfs-provisioner.yaml',
      objects: nfsProvisionerManifest({ server, path, storageClass }),
    });
  }
  if (addons.dashboard.enabled) {
    manifests.push({ fileName: '50-dashboard.yaml', objects: dashboardManifest() });
  }
  return manifests;
}
