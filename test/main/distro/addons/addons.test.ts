import { describe, expect, it } from 'vitest';

import { addonImages, type Cluster } from '../../../../common/cluster';
import {
  addonManifests,
  dashboardManifest,
  flannelManifest,
  type KubeObject,
  kubeVipDaemonSet,
  metallbManifest,
  metallbPoolManifest,
  NFS_PROVISIONER_NAME,
  nfsProvisionerManifest,
  renderManifest,
} from '../../../../main/distro/addons';
import { plan, yamlDocuments } from '../config/fixtures';

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const roundTrip = (objects: KubeObject[]) => yamlDocuments(renderManifest(objects)) as Doc[];
const find = (docs: Doc[], kind: string, name?: string) => {
  const doc = docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (!doc) throw new Error(`No ${kind} ${name ?? ''}`);
  return doc;
};
const podSpecs = (docs: Doc[]) =>
  docs.filter((d) => ['Deployment', 'DaemonSet'].includes(d.kind)).map((d) => d.spec.template.spec);
const images = (docs: Doc[]) =>
  podSpecs(docs).flatMap((spec) =>
    [...(spec.initContainers ?? []), ...spec.containers].map((c: Doc) => c.image as string),
  );
const envOf = (container: Doc) =>
  Object.fromEntries((container.env as Doc[]).map((e) => [e.name, e.value ?? e.valueFrom]));

/**
 * Self-consistency a cluster would otherwise report only at run time: every pod's
 * ServiceAccount, every binding's role and every namespace used exist in the same manifest.
 */
function expectSelfContained(docs: Doc[], externalNamespaces: string[] = []) {
  const names = (kind: string) => docs.filter((d) => d.kind === kind).map((d) => d.metadata.name);
  const namespaces = [...names('Namespace'), ...externalNamespaces];
  for (const doc of docs) {
    if (doc.metadata.namespace) expect(namespaces).toContain(doc.metadata.namespace);
  }
  for (const spec of podSpecs(docs))
    expect(names('ServiceAccount')).toContain(spec.serviceAccountName);
  for (const doc of docs.filter((d) => d.kind.endsWith('Binding'))) {
    expect(names(doc.roleRef.kind)).toContain(doc.roleRef.name);
    for (const subject of doc.subjects) expect(names('ServiceAccount')).toContain(subject.name);
  }
  // Selectors select their own pods.
  for (const doc of docs.filter((d) => ['Deployment', 'DaemonSet'].includes(d.kind))) {
    expect(doc.spec.template.metadata.labels).toMatchObject(doc.spec.selector.matchLabels);
  }
}

describe('add-on manifests', () => {
  it('runs only pinned images from versions.ts', () => {
    const pinned = Object.values(addonImages) as string[];
    const all = [
      ...roundTrip(kubeVipDaemonSet({ address: '192.168.1.10', port: 6443, interface: 'eth0' })),
      ...roundTrip(
        flannelManifest({ podCidr: '10.244.0.0/16', backend: 'vxlan', interface: 'eth0' }),
      ),
      ...roundTrip(metallbManifest()),
      ...roundTrip(nfsProvisionerManifest({ server: 'nas', path: '/k8s', storageClass: 'nfs' })),
      ...roundTrip(dashboardManifest()),
    ];
    const used = images(all);
    expect(used.length).toBeGreaterThanOrEqual(8);
    for (const image of used) expect(pinned).toContain(image);
    for (const image of pinned) expect(image).toMatch(/:v\d+\.\d+\.\d+/);
  });

  it('kube-vip: ARP leader election for the VIP on control planes only', () => {
    const docs = roundTrip(
      kubeVipDaemonSet({ address: '10.0.0.5', port: 7443, interface: 'wlan0' }),
    );
    expectSelfContained(docs, ['kube-system']);
    const ds = find(docs, 'DaemonSet', 'kube-vip');
    const spec = ds.spec.template.spec;
    expect(spec.hostNetwork).toBe(true);
    expect(
      spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions[0],
    ).toEqual({ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' });
    expect(spec.tolerations).toContainEqual({ operator: 'Exists', effect: 'NoSchedule' });
    expect(envOf(spec.containers[0])).toMatchObject({
      address: '10.0.0.5',
      port: '7443',
      vip_interface: 'wlan0',
      vip_arp: 'true',
      cp_enable: 'true',
      svc_enable: 'false',
      vip_leaderelection: 'true',
    });
    const role = find(docs, 'ClusterRole');
    expect(role.rules).toContainEqual(
      expect.objectContaining({ apiGroups: ['coordination.k8s.io'], resources: ['leases'] }),
    );
  });

  for (const backend of ['vxlan', 'host-gw'] as const) {
    it(`flannel (${backend}): net-conf.json carries the pod range and backend`, () => {
      const docs = roundTrip(
        flannelManifest({ podCidr: '10.244.0.0/16', backend, interface: 'eth0' }),
      );
      expectSelfContained(docs);
      const netConf = JSON.parse(find(docs, 'ConfigMap').data['net-conf.json']);
      expect(netConf).toMatchObject({ Network: '10.244.0.0/16', Backend: { Type: backend } });
      const cniConf = JSON.parse(find(docs, 'ConfigMap').data['cni-conf.json']);
      expect(cniConf.plugins[0].type).toBe('flannel');
      const container = find(docs, 'DaemonSet').spec.template.spec.containers[0];
      expect(container.args).toEqual(['--ip-masq', '--kube-subnet-mgr', '--iface=eth0']);
    });
  }

  it('MetalLB: CRDs for every kind it watches, no webhook, the pool announced in Layer 2', () => {
    const docs = roundTrip(metallbManifest());
    expectSelfContained(docs);
    const crds = docs.filter((d) => d.kind === 'CustomResourceDefinition');
    const kinds = crds.map((d) => d.spec.names.kind);
    for (const kind of ['IPAddressPool', 'L2Advertisement', 'BGPPeer', 'BFDProfile', 'Community'])
      expect(kinds).toContain(kind);
    for (const crd of crds) {
      expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.metallb.io`);
      expect(crd.spec.versions.filter((v: Doc) => v.storage)).toHaveLength(1);
    }
    const controller = find(docs, 'Deployment', 'controller').spec.template.spec.containers[0];
    expect(controller.args).toContain('--webhook-mode=disabled');
    expect(docs.some((d) => d.kind === 'ValidatingWebhookConfiguration')).toBe(false);
    // The speakers read the memberlist key the controller creates.
    expect(envOf(controller)).toMatchObject({ METALLB_ML_SECRET_NAME: 'memberlist' });
    const speaker = find(docs, 'DaemonSet', 'speaker').spec.template.spec;
    expect(speaker.volumes).toContainEqual(
      expect.objectContaining({ secret: expect.objectContaining({ secretName: 'memberlist' }) }),
    );

    const pool = roundTrip(metallbPoolManifest('192.168.1.200-192.168.1.220'));
    const ipPool = find(pool, 'IPAddressPool');
    expect(ipPool.spec.addresses).toEqual(['192.168.1.200-192.168.1.220']);
    expect(ipPool.apiVersion).toBe(
      `metallb.io/${find(crds, 'CustomResourceDefinition', 'ipaddresspools.metallb.io').spec.versions[0].name}`,
    );
    expect(find(pool, 'L2Advertisement').spec.ipAddressPools).toEqual([ipPool.metadata.name]);
  });

  it('NFS provisioner: the server, export and StorageClass of the plan', () => {
    const docs = roundTrip(
      nfsProvisionerManifest({ server: '192.168.1.5', path: '/srv/nfs', storageClass: 'shared' }),
    );
    expectSelfContained(docs);
    const spec = find(docs, 'Deployment').spec.template.spec;
    expect(envOf(spec.containers[0])).toMatchObject({
      PROVISIONER_NAME: NFS_PROVISIONER_NAME,
      NFS_SERVER: '192.168.1.5',
      NFS_PATH: '/srv/nfs',
    });
    expect(spec.volumes[0].nfs).toEqual({ server: '192.168.1.5', path: '/srv/nfs' });
    expect(find(docs, 'StorageClass', 'shared').provisioner).toBe(NFS_PROVISIONER_NAME);
  });

  it('dashboard: its own namespace, RBAC and the metrics scraper', () => {
    const docs = roundTrip(dashboardManifest());
    expectSelfContained(docs);
    expect(find(docs, 'Service', 'kubernetes-dashboard').spec.ports[0]).toEqual({
      port: 443,
      targetPort: 8443,
    });
    expect(find(docs, 'Deployment', 'dashboard-metrics-scraper')).toBeDefined();
    // No admin account is handed out.
    expect(
      docs.filter((d) => d.kind === 'ClusterRoleBinding').map((d) => d.roleRef.name),
    ).not.toContain('cluster-admin');
  });

  it('picks add-ons by distribution and plan, in apply order', () => {
    const names = (cluster: Cluster) => addonManifests(cluster).map((m) => m.fileName);
    expect(names(plan('k3s', { vip: true, addons: true }))).toEqual([
      '10-kube-vip.yaml',
      '30-metallb.yaml',
      '31-metallb-pool.yaml',
      '40-nfs-provisioner.yaml',
      '50-dashboard.yaml',
    ]);
    expect(names(plan('kubeadm'))).toEqual(['20-flannel.yaml']);
    expect(names(plan('k0s'))).toEqual([]);
    const noPool = plan('k3s', { addons: true });
    noPool.spec.addons.metallb = { enabled: true };
    expect(() => addonManifests(noPool)).toThrow(/spec\.addons\.metallb\.addresses/);
    const noServer = plan('k3s', { addons: true });
    noServer.spec.addons.nfs = { enabled: true, path: '/x', storageClass: 'nfs-client' };
    expect(() => addonManifests(noServer)).toThrow(/spec\.addons\.nfs\.server/);
  });
});
