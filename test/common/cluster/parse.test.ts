import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  type Cluster,
  clusterApiVersion,
  ClusterState,
  createCluster,
  describeIssues,
  emptyState,
  markForRebuild,
  type NewClusterOptions,
  nodeStatus,
  parseCluster,
  pruneState,
} from '../../../common/cluster';
import { KubeflashError } from '../../../common/errors';
import { parseClusterYaml } from '../../../main/cluster/cluster-file';
import { renderPlan } from '../../../main/cluster/plan-file';

const source = '/home/me/lab/cluster.yaml';

const cluster: Cluster = createCluster({
  name: 'lab',
  controlPlanes: 3,
  workers: 2,
  virtualIP: '192.168.1.100',
  subnet: '192.168.1.0/24',
  gateway: '192.168.1.1',
  dns: ['192.168.1.1', '9.9.9.9'],
  firstIp: '192.168.1.101',
  timezone: 'Europe/Berlin',
});

/** A plain JSON copy, as a YAML parser would hand it over. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

type Obj = Record<string, unknown>;
/** The cluster as a loosely typed document, to break it in ways the type would not allow. */
interface Draft extends Obj {
  metadata: Obj;
  spec: Obj & {
    controlPlane: Obj;
    network: Obj;
    nodes: Obj[];
    addons: Obj & { metallb: Obj };
  };
}
const draft = () => plain(cluster) as Draft;

function parseError(document: unknown): KubeflashError {
  try {
    parseCluster(document, source);
  } catch (error) {
    expect(error).toBeInstanceOf(KubeflashError);
    const kubeflashError = error as KubeflashError;
    expect(kubeflashError.code).toBe('invalid-file');
    expect(kubeflashError.subject).toBe(source);
    expect(kubeflashError.message.startsWith(`${source}: `)).toBe(true);
    return kubeflashError;
  }
  throw new Error('parseCluster accepted the document');
}

describe('parseCluster', () => {
  it('round-trips a saved plan: renderPlan → YAML → parseCluster', () => {
    const text = renderPlan(cluster);
    expect(text).toMatch(/^# Kubeflash cluster file: the plan, safe to commit\./);
    expect(text).toContain(`apiVersion: ${clusterApiVersion}\nkind: Cluster\n`);
    expect(parseCluster(parse(text), source)).toEqual(cluster);
    expect(parseCluster(parseClusterYaml(text, source), source)).toEqual(cluster);
    // Once loaded, saving again without a change gives the same text.
    const loaded = renderPlan(parseCluster(parse(text), source));
    expect(renderPlan(parseCluster(parse(loaded), source))).toBe(loaded);
  });

  // Regression: renderPlan must write schema order, or the first load-and-save of a plan made by
  // createCluster / setInitNode (ip before init) rewrites lines: a spurious diff in git.
  it('re-saving a freshly created plan without a change gives the same text', () => {
    const text = renderPlan(cluster);
    expect(renderPlan(parseCluster(parse(text), source))).toBe(text);
  });

  it('round-trips a plan with every optional field set', () => {
    const full: Cluster = structuredClone(cluster);
    full.spec.network.wifi = { ssid: 'Café Ünïcode', country: 'DE', hidden: true };
    full.spec.network.interface = 'wlan0';
    full.spec.addons = {
      metallb: { enabled: true, addresses: '192.168.1.200-192.168.1.220' },
      nfs: { enabled: true, server: 'nas', path: '/srv/nfs', storageClass: 'nfs' },
      dashboard: { enabled: true },
    };
    full.spec.image = { default: '/images/raspios.img.xz' };
    full.spec.nodes[4]!.image = 'yes'; // a YAML 1.1 boolean word must stay a string
    full.spec.ssh.authorizedKeys = ['ssh-ed25519 AAAA… me@laptop # "quoted": yes'];
    expect(parseCluster(parse(renderPlan(full)), source)).toEqual(full);
  });

  it('fills in defaults for omitted optional sections', () => {
    const minimal = plain(cluster);
    const spec = minimal.spec as Record<string, unknown>;
    delete spec.system;
    delete spec.addons;
    delete spec.image;
    const parsed = parseCluster(minimal, source);
    expect(parsed.spec.system).toEqual({
      timezone: 'Etc/UTC',
      locale: 'en_US.UTF-8',
      keyboardLayout: 'us',
    });
    expect(parsed.spec.addons.metallb).toEqual({ enabled: false });
    expect(parsed.spec.image).toEqual({});
  });

  it.each([
    ['at the top level', (d: Draft) => (d.extra = 1), '(top level)', 'extra'],
    ['in metadata', (d: Draft) => (d.metadata.labels = {}), 'metadata', 'labels'],
    ['in spec', (d: Draft) => (d.spec.workers = 4), 'spec', 'workers'],
    [
      'in spec.network',
      (d: Draft) => (d.spec.network.gatway = '192.168.1.1'),
      'spec.network',
      'gatway',
    ],
    [
      'in a node',
      (d: Draft) => (d.spec.nodes[2]!.ipaddress = '192.168.1.103'),
      'spec.nodes.2',
      'ipaddress',
    ],
    [
      'in an add-on',
      (d: Draft) => (d.spec.addons.metallb.pool = 'x'),
      'spec.addons.metallb',
      'pool',
    ],
  ])('names an unknown field %s with its path', (_where, change, path, field) => {
    const document = draft();
    change(document);
    const error = parseError(document);
    expect(error.message).toBe(`${source}: ${path}: unknown field "${field}" (misspelt?)`);
  });

  it('gives one line per problem, each with its path', () => {
    const document = draft();
    document.spec.nodes[0]!.role = 'master';
    document.spec.controlPlane.port = 'six';
    document.spec.network.dns = ['a', 'b', 'c', 'd'];
    const lines = parseError(document)
      .message.slice(source.length + 2)
      .split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual([
      'spec.controlPlane.port',
      'spec.network.dns',
      'spec.nodes.0.role',
    ]);
  });

  it('caps a long list of problems', () => {
    const document = draft();
    document.spec.nodes = Array.from({ length: 12 }, () => ({ hostname: 1, role: 'worker' }));
    const message = parseError(document).message;
    expect(message.split('\n')).toHaveLength(9);
    expect(message).toMatch(/\n… and 4 more$/);
  });

  it.each([
    ['kind Deployment', { kind: 'Deployment' }, /kind is "Deployment", expected Cluster/],
    ['kind in lower case', { kind: 'cluster' }, /kind is "cluster", expected Cluster/],
    ['no kind', { kind: undefined }, /expected Cluster — is this a Kubeflash cluster file\?/],
  ])('refuses %s', (_name, patch, message) => {
    const document = { ...plain(cluster), ...patch };
    if (patch.kind === undefined) delete document.kind;
    expect(parseError(document).message).toMatch(message);
  });

  it.each(['kubeflash.io/v1beta1', 'kubeflash.io/v2'])(
    'refuses apiVersion %s, telling to update Kubeflash',
    (apiVersion) => {
      const message = parseError({ ...plain(cluster), apiVersion }).message;
      expect(message).toContain(`apiVersion "${apiVersion}" is not one this Kubeflash reads`);
      expect(message).toContain(`it reads ${clusterApiVersion}`);
      expect(message).toMatch(/update Kubeflash/);
    },
  );

  it('refuses a missing apiVersion', () => {
    const document = plain(cluster);
    delete document.apiVersion;
    expect(parseError(document).message).toMatch(/apiVersion undefined is not one/);
  });

  it.each([
    ['null', null],
    ['a list', [plain(cluster)]],
    ['a string', 'apiVersion: kubeflash.io/v1alpha1'],
    ['a number', 42],
  ])('refuses %s: a cluster file is a mapping', (_name, document) => {
    expect(parseError(document).message).toMatch(/a cluster file is a YAML mapping/);
  });

  it('does not change the document it reads', () => {
    const document = plain(cluster);
    const before = structuredClone(document);
    parseCluster(document, source);
    expect(document).toEqual(before);
  });
});

describe('createCluster output always parses', () => {
  const variants: [string, NewClusterOptions][] = [];
  for (const distribution of ['k3s', 'kubeadm', 'k0s'] as const) {
    for (const controlPlanes of [1, 3, 5]) {
      for (const addressing of ['static', 'dhcp'] as const) {
        variants.push([
          `${distribution}, ${controlPlanes} control planes, ${addressing}`,
          {
            name: `lab-${distribution}`,
            distribution,
            controlPlanes,
            workers: 3,
            subnet: '10.20.0.0/16',
            addressing,
            ...(controlPlanes > 1 ? { virtualIP: '10.20.0.10' } : {}),
            ...(addressing === 'static'
              ? { gateway: '10.20.0.1', dns: ['10.20.0.1'], firstIp: '10.20.0.11' }
              : {}),
          },
        ]);
      }
    }
  }
  variants.push([
    'Wi-Fi, no workers, custom prefix and system',
    {
      name: 'wifi',
      interface: 'wlan0',
      wifi: { ssid: 'Home', country: 'GB' },
      hostnamePrefix: 'pi',
      subnet: '192.168.0.0/24',
      gateway: '192.168.0.1',
      dns: ['192.168.0.1'],
      firstIp: '192.168.0.2',
      sshUser: 'admin',
      timezone: 'Asia/Shanghai',
      locale: 'zh_CN.UTF-8',
      keyboardLayout: 'cn',
    },
  ]);

  it.each(variants)('%s', (_name, options) => {
    const created = createCluster(options);
    expect(parseCluster(plain(created), source)).toEqual(created);
    expect(parseCluster(parse(renderPlan(created)), source)).toEqual(created);
  });

  it('refuses options outside its schema', () => {
    expect(() => createCluster({ name: 'x', subnet: '10.0.0.0/8', controlPlanes: 0 })).toThrow();
    expect(() =>
      createCluster({ name: 'x', subnet: '10.0.0.0/8', extra: true } as NewClusterOptions),
    ).toThrow();
  });
});

describe('describeIssues', () => {
  it('writes "(top level)" for problems without a path', () => {
    const document = { ...plain(cluster), surplus: true };
    expect(parseError(document).message).toContain('(top level): unknown field "surplus"');
  });

  it('lists several unknown fields of one object together', () => {
    const document = draft();
    document.spec.nodes[0]!.mac = 'x';
    document.spec.nodes[0]!.serial = 'y';
    expect(parseError(document).message).toContain(
      'spec.nodes.0: unknown field "mac", "serial" (misspelt?)',
    );
  });

  it('is exported for other readers of zod errors', () => {
    expect(typeof describeIssues).toBe('function');
  });
});

describe('cluster state helpers', () => {
  const now = new Date('2025-06-01T10:00:00.000Z');
  const flashed: ClusterState = {
    ...emptyState(),
    nodes: {
      'rpi-kube-cp-01': {
        status: 'flashed',
        updatedAt: '2025-05-01T08:00:00.000Z',
        flashedAt: '2025-05-01T08:00:00.000Z',
        card: { device: '/dev/sdb', size: 32_000_000_000, serial: 'ABC', firstMiBSha256: 'ab' },
      },
      'rpi-kube-worker-01': { status: 'flash-failed', updatedAt: 'x', reason: 'card removed' },
    },
  };

  it('emptyState is a valid state with no nodes; unknown nodes are planned', () => {
    expect(ClusterState.parse(emptyState())).toEqual({
      apiVersion: 'kubeflash.io/v1alpha1',
      kind: 'ClusterState',
      nodes: {},
    });
    expect(nodeStatus(emptyState(), 'anything')).toBe('planned');
    expect(nodeStatus(flashed, 'rpi-kube-cp-01')).toBe('flashed');
  });

  it('markForRebuild sets rebuild-pending and the time, keeping what is known of the card', () => {
    const before = structuredClone(flashed);
    const marked = markForRebuild(flashed, 'rpi-kube-cp-01', now);
    expect(marked.nodes['rpi-kube-cp-01']).toEqual({
      ...flashed.nodes['rpi-kube-cp-01'],
      status: 'rebuild-pending',
      updatedAt: '2025-06-01T10:00:00.000Z',
    });
    expect(marked.nodes['rpi-kube-worker-01']).toEqual(flashed.nodes['rpi-kube-worker-01']);
    expect(flashed).toEqual(before);
    expect(ClusterState.parse(marked)).toEqual(marked);
  });

  it('markForRebuild on a node never flashed creates its entry', () => {
    const marked = markForRebuild(emptyState(), 'rpi-kube-worker-02', now);
    expect(marked.nodes).toEqual({
      'rpi-kube-worker-02': { status: 'rebuild-pending', updatedAt: '2025-06-01T10:00:00.000Z' },
    });
    expect(ClusterState.safeParse(marked).success).toBe(true);
  });

  it('pruneState keeps only planned nodes, leaving its input unchanged', () => {
    const before = structuredClone(flashed);
    expect(Object.keys(pruneState(flashed, ['rpi-kube-cp-01', 'new-node']).nodes)).toEqual([
      'rpi-kube-cp-01',
    ]);
    expect(pruneState(flashed, []).nodes).toEqual({});
    expect(pruneState(flashed, Object.keys(flashed.nodes))).toEqual(flashed);
    expect(flashed).toEqual(before);
  });

  it('ClusterState is strict', () => {
    expect(ClusterState.safeParse({ ...emptyState(), extra: 1 }).success).toBe(false);
    expect(
      ClusterState.safeParse({
        ...emptyState(),
        nodes: { a: { status: 'burnt', updatedAt: 'x' } },
      }).success,
    ).toBe(false);
  });
});
